/**
 * What the serialized providers load, by package name, at call time. Keeping
 * the implementation here (not in the serialized closure) keeps each
 * resource's `__provider` small, lets an upgraded package fix even `delete`
 * of resources created by an older version, and keeps credentials out of state.
 */
export { configureRuntime as configure } from "./runtimeState";
export { sessionProviderImpl as session } from "./sessionProviderImpl";
export { sessionLabelsProviderImpl as sessionLabels } from "./sessionLabelsProviderImpl";
