// Package rule is switchyard's model of Nepxion Discovery rules and the pure
// functions built on it: the XML and JSON codecs (byte-exact with Nepxion's
// XmlConfigDeparser and Jackson output), validation with located issues, the
// console's version-release document (YAML and JSON) and its conversion into
// a rule, and the data plane's route decision and instance selection.
//
// The package is linked into the gateway, the sidecar and the SDK, so its hot
// path — Compiled.Decide, Select and the header helpers — does not allocate:
// a rule is parsed and compiled once per configuration change, and every
// request then only reads the compiled form.
//
// Semantics follow Nepxion Discovery 6.x exactly (rules written for Nepxion
// behave the same here); where Nepxion silently accepts a broken rule, this
// package reports an error or a warning instead. docs/rules.md lists each
// such difference and why.
//
// Expressions (#H['a'] == '1' and …) are compiled and evaluated by package
// rule/spel; this package only supplies the values, in Nepxion's order:
// query parameter, cookie, header, then the rule's inner header.
package rule
