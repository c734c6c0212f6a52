#!/usr/bin/env node
/**
 * The entry point of `pulumi-resource-agb`. The schema is generated from the
 * package's doc comments and zod schemas at packaging time
 * (codegen/pluginSchema.ts) and bundled in as AGB_PLUGIN_SCHEMA.
 */
import { servePlugin } from "./servePlugin";

declare const AGB_PLUGIN_VERSION: string | undefined;
declare const AGB_PLUGIN_SCHEMA: string | undefined;

const version = typeof AGB_PLUGIN_VERSION === "string" ? AGB_PLUGIN_VERSION : "0.0.0-dev";
const schema = typeof AGB_PLUGIN_SCHEMA === "string" ? AGB_PLUGIN_SCHEMA : process.env.AGB_PLUGIN_SCHEMA_JSON ?? "{}";

void servePlugin(version, schema, process.argv.slice(2));
