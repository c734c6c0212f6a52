// A plain JavaScript program with the typos no type checker catches: each must
// fail `check`, named, before any request reaches AGB. Config `resource` picks
// which one is declared (the engine stops at the first failing check).
const pulumi = require("@pulumi/pulumi");
const agb = require("pulumi-agb");

if (new pulumi.Config().get("resource") === "SessionLabels") {
  new agb.SessionLabels("typo-labels", { sessionId: "s-0123456789abcdef", labels: { owner: "qa" }, sesionId: "s-x" });
} else {
  new agb.Session("typo-session", { imageId: "agb-code-space-1", lables: { env: "dev" } });
}

module.exports = {};
