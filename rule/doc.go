// Package rule is switchyard's model of Nepxion Discovery rules and the pure
// functions built on it: the XML and JSON codecs (byte-exact with Nepxion's
// XmlConfigDeparser and Jackson output), validation with located issues, and
// the data plane's route decision and instance selection. The console's
// version-release documents (YAML and JSON) and their conversion into rules
// are package rule/releasedoc, which only the control plane links.
//
// The package is linked into the gateway, the sidecar and the SDK, so it
// links nothing they do not need (no YAML library: e2e/deps_test.go keeps it
// so), and its hot path — Compiled.Decide, Select and the header helpers —
// does not allocate: a rule is parsed and compiled once per configuration
// change, and every request then only reads the compiled form.
//
// Semantics follow Nepxion Discovery 6.x exactly (rules written for Nepxion
// behave the same here); where Nepxion silently accepts a broken rule, this
// package reports an error or a warning instead. docs/rules.md lists each
// such difference and why.
//
// Every parser keeps the budgets of Limits (DefaultLimits, also those of the
// release documents): document size, nesting, values (after YAML alias
// expansion in a release document), members per container, XML attributes,
// string length, and the expression budgets of rule/spel. A document beyond
// one is refused cheaply with a *switchyard.Error naming the limit (reason
// budget.*). Load and Check turn stored rule text into a checked rule
// exactly as the data plane does, for both planes to call.
//
// Expressions (#H['a'] == '1' and …) are compiled and evaluated by package
// rule/spel; this package only supplies the values, in Nepxion's order:
// query parameter, cookie, header, then the rule's inner header. A Request
// that is also a Scanner (HTTPRequest, or an HTTP engine's own request type)
// has its query string and its cookies read once per request for all the
// names a rule reads.
package rule
