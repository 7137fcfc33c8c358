package process

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// placeholderRE finds {word} in an argument; other braces (JSON, shell)
// are left alone.
var placeholderRE = regexp.MustCompile(`\{[a-z]+\}`)

// placeholders are the names a template may use.
var placeholders = map[string]bool{
	"name": true, "version": true, "group": true, "host": true, "port": true,
	"instance": true, "index": true, "datadir": true,
}

// checkTemplate refuses an unknown placeholder, naming it.
func checkTemplate(arg string) error {
	for _, m := range placeholderRE.FindAllString(arg, -1) {
		if !placeholders[m[1:len(m)-1]] {
			return fmt.Errorf("unknown placeholder %s (known: {name} {version} {group} {host} {port} {instance} {index} {datadir})", m)
		}
	}
	return nil
}

// namesInstance reports whether args name something that differs between
// instances.
func namesInstance(args []string) bool {
	for _, a := range args {
		if strings.Contains(a, "{port}") || strings.Contains(a, "{datadir}") || strings.Contains(a, "{instance}") {
			return true
		}
	}
	return false
}

// slot is one instance's values for the template.
type slot struct {
	service, version, group, host string
	index, port                   int
	datadir                       string
}

func (s slot) instance() string { return instanceName(s.service, s.version, s.index) }

func instanceName(service, version string, index int) string {
	return service + "-" + version + "-" + strconv.Itoa(index)
}

// expand fills args' placeholders with s's values.
func (s slot) expand(args []string) []string {
	vals := map[string]string{
		"{name}": s.service, "{version}": s.version, "{group}": s.group, "{host}": s.host,
		"{port}": strconv.Itoa(s.port), "{instance}": s.instance(), "{index}": strconv.Itoa(s.index),
		"{datadir}": s.datadir,
	}
	out := make([]string, len(args))
	for i, a := range args {
		out[i] = placeholderRE.ReplaceAllStringFunc(a, func(m string) string { return vals[m] })
	}
	return out
}

// usesGroup reports whether args need {group}.
func usesGroup(args ...[]string) bool {
	for _, as := range args {
		for _, a := range as {
			if strings.Contains(a, "{group}") {
				return true
			}
		}
	}
	return false
}
