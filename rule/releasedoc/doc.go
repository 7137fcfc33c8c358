// Package releasedoc is the Nepxion console's version release
// (StrategyResource, "链路智能编排"): its documents — ConditionStrategy (Doc)
// and ConditionRouteStrategy (RecreateDoc), read from YAML like SnakeYAML
// reads them and from JSON like Jackson does, and written back — and the
// operations that turn them into rules and back: create, recreate, parse,
// deparse, reset and clear a release, with Nepxion's error messages; the
// release console's own, stricter checks of a document (ValidateConsole);
// and validate-expression.
//
// Only the control plane needs it (the release service, the Nepxion
// console endpoints, the CLI); the data plane links package rule alone, so
// the gateway, the sidecar and the SDK never link the YAML library. Every
// parser keeps the budgets of rule.DefaultLimits (DocumentBytes, and the
// shape limits after YAML alias expansion), refusing a document beyond one
// as package rule does.
package releasedoc
