// The engine-contract program: every input of Session, SessionLabels and
// getSessionsOutput, each computed from session "a"'s id, so that each is
// unknown in a preview where "a" is created or replaced. Config picks the
// values, removes the optional ones, or adds a case that must be refused.
const pulumi = require("@pulumi/pulumi");
const agb = require("pulumi-agb");

const cfg = new pulumi.Config();
const secretOwner = cfg.requireSecret("secretOwner");
const secretNote = cfg.requireSecret("secretNote");
const removed = cfg.getBoolean("removed") === true;

const a = new agb.Session("a", {
  imageId: cfg.get("aImage") ?? "agb-code-space-1",
  labels: { role: "source", owner: secretOwner },
});
/** A value known only once "a" is: unknown in a preview that creates or replaces "a". */
const later = (value) => a.sessionId.apply(() => value);

const bLabels = { team: later("core"), env: cfg.get("env") ?? "dev", owner: secretOwner };
if (cfg.get("badCode")) bLabels.code = cfg.requireSecret("badCode");
// What serialization would mangle: an own "__proto__" key (dropped), a lone surrogate in an Output value (U+FFFD).
const known = cfg.get("mangled") === "proto" ? Object.assign(JSON.parse('{"__proto__":"x"}'), bLabels) : bLabels;
if (cfg.get("mangled") === "surrogate") bLabels.broken = later("bad\ud800");
const bLabelsInput = cfg.get("mangled") === "proto-output" ? later(JSON.parse('{"__proto__":"x","team":"core"}')) : known;
new agb.Session(
  "b",
  removed
    ? { imageId: later(cfg.get("bImage") ?? "agb-code-space-1") }
    : {
        imageId: later(cfg.get("bImage") ?? "agb-code-space-1"),
        labels: bLabelsInput,
        idleReleaseTimeout: later(cfg.getNumber("timeout") ?? 600),
        policyId: later("mcp-policy-default"),
        labelPolicy: later({ requiredKeys: ["team"], valuePatterns: { code: "[a-z]+" } }),
      },
);

const cImport = cfg.get("cImport");
const c = new agb.Session(
  "c",
  { imageId: cfg.get("cImage") ?? "agb-code-space-1", labels: later({ kind: "whole-map" }) },
  cImport ? { import: cImport } : {},
);

new agb.Session("d", {
  imageId: cfg.get("dImage") ?? "agb-code-space-1",
  labels: { adopted: "yes" },
  ...(removed ? {} : { adoptSessionId: later(cfg.require("adoptId")) }),
});

new agb.SessionLabels("l", {
  sessionId: later(cfg.require("foreignId")),
  labels: removed ? { token: secretNote } : { token: secretNote, dyn: later("v") },
});
// Labels put by a SessionLabels on a session the stack owns: a refresh of "a" sees them.
new agb.SessionLabels("la", { sessionId: a.sessionId, labels: { note: secretNote } });

module.exports = {
  aId: a.sessionId,
  cId: c.sessionId,
  byRole: agb.getSessionsOutput(removed ? {} : { labels: { role: later("source") }, includeReleased: later(false) }).sessionIds,
  byLabels: agb.getSessionsOutput({ labels: a.labels, includeLabels: true }).sessionIds,
};
