/* eslint-disable @typescript-eslint/no-require-imports */
/**
 * The Session dynamic provider, as a module whose exports are the provider
 * itself. Pulumi's closure serializer writes a module that is installed under
 * node_modules and exported by its package as a reference,
 * `require("pulumi-agb/providers/session")`, about 260 bytes, instead of the
 * text of every method: state stays small and always runs the installed code.
 * The package must export this path forever, since old state names it.
 *
 * The methods load the implementation by package name at call time, so this
 * module loads nothing heavy in the program, and, should the serializer ever
 * copy the methods by value (a checkout linked rather than installed), they
 * still capture nothing and still find the installed runtime.
 */
import type * as pulumi from "@pulumi/pulumi";

const sessionProvider: pulumi.dynamic.ResourceProvider = {
  configure: (req) => require("pulumi-agb/runtime").configure(req.config),
  check: (...args) => require("pulumi-agb/runtime").session.check(...args),
  diff: (...args) => require("pulumi-agb/runtime").session.diff(...args),
  create: (...args) => require("pulumi-agb/runtime").session.create(...args),
  read: (...args) => require("pulumi-agb/runtime").session.read(...args),
  update: (...args) => require("pulumi-agb/runtime").session.update(...args),
  delete: (...args) => require("pulumi-agb/runtime").session.delete(...args),
};

export = sessionProvider;
