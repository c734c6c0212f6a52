/* eslint-disable @typescript-eslint/no-require-imports */
/**
 * The SessionLabels dynamic provider, as a module whose exports are the
 * provider itself: serialized as `require("pulumi-agb/providers/session-labels")`.
 * See ./session.ts for why.
 */
import type * as pulumi from "@pulumi/pulumi";

const sessionLabelsProvider: pulumi.dynamic.ResourceProvider = {
  configure: (req) => require("pulumi-agb/runtime").configure(req.config),
  check: (...args) => require("pulumi-agb/runtime").sessionLabels.check(...args),
  diff: (...args) => require("pulumi-agb/runtime").sessionLabels.diff(...args),
  create: (...args) => require("pulumi-agb/runtime").sessionLabels.create(...args),
  read: (...args) => require("pulumi-agb/runtime").sessionLabels.read(...args),
  update: (...args) => require("pulumi-agb/runtime").sessionLabels.update(...args),
  delete: (...args) => require("pulumi-agb/runtime").sessionLabels.delete(...args),
};

export = sessionLabelsProvider;
