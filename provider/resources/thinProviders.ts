/* eslint-disable @typescript-eslint/no-require-imports */
import type * as pulumi from "@pulumi/pulumi";

/**
 * The providers Pulumi serializes into every resource's state (twice: inputs
 * and outputs). Each method only loads the implementation from the installed
 * package by name, so the serialized text stays about 2 KB whatever the size of
 * the code, never captures a credential or a socket, and always runs the
 * installed code rather than code frozen in old state.
 *
 * The bodies must reference nothing from module scope: anything they use
 * would be serialized along with them. That is also why the module name is
 * repeated as a literal and arguments are passed through as `...args`: both
 * keep the serialized text small.
 */
export const sessionProvider: pulumi.dynamic.ResourceProvider = {
  configure: (req) => require("pulumi-agb/runtime").configure(req.config),
  check: (...args) => require("pulumi-agb/runtime").session.check(...args),
  diff: (...args) => require("pulumi-agb/runtime").session.diff(...args),
  create: (...args) => require("pulumi-agb/runtime").session.create(...args),
  read: (...args) => require("pulumi-agb/runtime").session.read(...args),
  update: (...args) => require("pulumi-agb/runtime").session.update(...args),
  delete: (...args) => require("pulumi-agb/runtime").session.delete(...args),
};

export const sessionLabelsProvider: pulumi.dynamic.ResourceProvider = {
  configure: (req) => require("pulumi-agb/runtime").configure(req.config),
  check: (...args) => require("pulumi-agb/runtime").sessionLabels.check(...args),
  diff: (...args) => require("pulumi-agb/runtime").sessionLabels.diff(...args),
  create: (...args) => require("pulumi-agb/runtime").sessionLabels.create(...args),
  read: (...args) => require("pulumi-agb/runtime").sessionLabels.read(...args),
  update: (...args) => require("pulumi-agb/runtime").sessionLabels.update(...args),
  delete: (...args) => require("pulumi-agb/runtime").sessionLabels.delete(...args),
};
