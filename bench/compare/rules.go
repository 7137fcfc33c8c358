package main

import (
	"fmt"
	"strings"
)

// The backends: service-b in its two versions, and the header that picks one.
const (
	backendService = "service-b"
	oldVersion     = "1.0"
	newVersion     = "1.1"
	pickHeader     = "xyz"
	// grayOldPercent is the share of the other requests the gray split
	// sends to the old version (the rest go to the new one).
	grayOldPercent = 10
)

// condition is one blue-green condition: header == value routes to version.
type condition struct {
	header, value, version string
}

// conditions are the blue-green conditions of a rule with n of them in all:
// xyz == 1.0 and xyz == 1.1 first, then n-2 fillers on headers of their own
// (bench-h-0 == v0 → 1.0, bench-h-1 == v1 → 1.1, …) that the load never
// sends, so every one of them is evaluated before the gray split.
func conditions(n int) []condition {
	out := []condition{{pickHeader, oldVersion, oldVersion}, {pickHeader, newVersion, newVersion}}
	for i := 0; i < n-2; i++ {
		v := oldVersion
		if i%2 == 1 {
			v = newVersion
		}
		out = append(out, condition{fmt.Sprintf("bench-h-%d", i), fmt.Sprintf("v%d", i), v})
	}
	return out
}

// routeID is the rule's route of a version.
func routeID(version string) string {
	return "route-" + strings.ReplaceAll(version, ".", "")
}

// gatewayRule is the gateway's partial rule (Nepxion XML) with n blue-green
// conditions and the gray split 10/90 for every other request.
func gatewayRule(n int) string {
	var b strings.Builder
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?>
<rule>
    <strategy-release>
        <conditions type="blue-green">
`)
	for i, c := range conditions(n) {
		fmt.Fprintf(&b, "            <condition id=\"bg-%d\" expression=\"#H['%s'] == '%s'\" version-id=\"%s\"/>\n", i, c.header, c.value, routeID(c.version))
	}
	fmt.Fprintf(&b, `        </conditions>
        <conditions type="gray">
            <condition id="gray" version-id="%s=%d;%s=%d"/>
        </conditions>
        <routes>
`, routeID(oldVersion), grayOldPercent, routeID(newVersion), 100-grayOldPercent)
	for _, v := range []string{oldVersion, newVersion} {
		fmt.Fprintf(&b, "            <route id=\"%s\" type=\"version\">{\"%s\":\"%s\"}</route>\n", routeID(v), backendService, v)
	}
	b.WriteString(`        </routes>
    </strategy-release>
</rule>
`)
	return b.String()
}
