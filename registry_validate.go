package switchyard

import (
	"fmt"
	"net"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Limits of a registration (docs/security.md lists them). What an agent
// registers is stored, listed to every signed-in user and used to build the
// URLs the control plane calls, so every part is bounded and checked.
const (
	MaxInstanceID      = 128   // characters of an instance id
	MaxServiceID       = 128   // characters of a service id
	MaxLabel           = 128   // characters of a group, version, region, env or zone
	MaxHost            = 253   // characters of a host name (DNS's limit)
	MaxMetadataEntries = 64    // metadata keys of one instance
	MaxMetadataKey     = 128   // characters of a metadata key
	MaxMetadataValue   = 1024  // bytes of a metadata value
	MaxMetadataBytes   = 16384 // bytes of all metadata keys and values together
	MaxContextPath     = 256   // bytes of the context path
)

// Metadata keys with a meaning to switchyard: Nepxion's context path and
// protocol of the instance's endpoints, and the port of switchyard's admin
// listener (--admin-listen), which serves the admin endpoints at its root.
const (
	MetaContextPath = "spring_application_context-path"
	MetaProtocol    = "spring_application_protocol"
	MetaAdminPort   = "switchyard_admin_port"
)

// Validate checks the fields an instance registers with (after Normalize):
// every id and label within its limit and of safe characters, the host a
// host name or an IPv4 address, the port a port, the metadata bounded and
// its special keys well-formed.
func (in *Instance) Validate() error {
	if in.ID != "" {
		if err := in.ValidateID(); err != nil {
			return err
		}
	}
	if in.Service == "" {
		return FieldErrorf("service", "instance.service", "service is required")
	}
	if err := CheckServiceID(in.Service); err != nil {
		return err
	}
	if in.Type != TypeService && in.Type != TypeGateway {
		return FieldErrorf("type", "instance.type", "type %s must be service or gateway", shortQuote(in.Type))
	}
	if in.Group != "" {
		if err := checkInstanceToken("group", in.Group, MaxLabel, groupChar, "letters, digits, '.', '_' or '-'"); err != nil {
			return err
		}
	}
	for _, l := range []struct{ field, value string }{{"version", in.Version}, {"region", in.Region}, {"env", in.Env}, {"zone", in.Zone}} {
		if err := checkInstanceToken(l.field, l.value, MaxLabel, labelChar, "letters, digits, '.', '_', '+' or '-'"); err != nil {
			return err
		}
	}
	if err := in.checkAddress(); err != nil {
		return err
	}
	return checkMetadata(in.Metadata)
}

// CheckServiceID checks a (lower-cased) service id: 1 to MaxServiceID
// lower-case letters, digits, '.', '_' or '-'.
func CheckServiceID(service string) error {
	return checkInstanceToken("service", service, MaxServiceID, serviceChar, "lower-case letters, digits, '.', '_' or '-'")
}

// ValidateID checks the instance id: 1 to MaxInstanceID letters, digits,
// '.', '_', ':' or '-'.
func (in *Instance) ValidateID() error {
	return checkInstanceToken("id", in.ID, MaxInstanceID, idChar, "letters, digits, '.', '_', ':' or '-'")
}

// checkAddress checks what the URLs to the instance are built from: host,
// port and the special metadata keys.
func (in *Instance) checkAddress() error {
	if err := CheckHost(in.Host); err != nil {
		return err
	}
	if in.Port <= 0 || in.Port > 65535 {
		return FieldErrorf("port", "instance.port", "port %d must be between 1 and 65535", in.Port)
	}
	md := in.Metadata
	if p, ok := md[MetaProtocol]; ok && !strings.EqualFold(p, "http") && !strings.EqualFold(p, "https") {
		return metadataError(MetaProtocol, "must be http or https")
	}
	if p, ok := md[MetaAdminPort]; ok {
		if _, err := parsePortText(p); err != nil {
			return metadataError(MetaAdminPort, "must be a port, 1 to 65535")
		}
	}
	if p, ok := md[MetaContextPath]; ok && !isCleanPath(p, MaxContextPath) {
		return metadataError(MetaContextPath, fmt.Sprintf("must be a path like /app: '/'-separated segments of letters, digits, '.', '_', '~' or '-', no '.' or '..' segments, at most %d bytes", MaxContextPath))
	}
	return nil
}

// CheckHost checks a registered host: a host name (labels of letters,
// digits, '-' and '_', at most MaxHost characters) or an IPv4 address that
// is not unspecified, multicast, broadcast or link-local (the cloud metadata
// address). No port, path, user info or IPv6 literal: nothing a URL could
// be smuggled in.
func CheckHost(host string) error {
	bad := func(why string) error {
		return FieldErrorf("host", "instance.host", "host %s %s", shortQuote(host), why).WithReason("instance.host", map[string]string{"limit": strconv.Itoa(MaxHost)})
	}
	switch {
	case host == "":
		return FieldErrorf("host", "instance.host", "host is required")
	case len(host) > MaxHost:
		return bad(fmt.Sprintf("is longer than %d characters", MaxHost))
	case strings.Contains(host, ":"):
		return bad("must be a host name or an IPv4 address without a port (IPv6 literals are not supported: register a host name)")
	}
	labels := strings.Split(host, ".")
	if last := labels[len(labels)-1]; last != "" && strings.Trim(last, "0123456789") == "" {
		ip, err := netip.ParseAddr(host)
		if err != nil || !ip.Is4() {
			return bad("looks numeric but is not an IPv4 address like 10.0.0.5")
		}
		if !DialableIP(ip) {
			return bad("is an unspecified, multicast, broadcast or link-local address")
		}
		return nil
	}
	for _, l := range labels {
		if l == "" || len(l) > 63 || l[0] == '-' || l[len(l)-1] == '-' {
			return bad("must be a host name: '.'-separated labels of 1 to 63 letters, digits, '-' or '_', not starting or ending with '-'")
		}
		for i := 0; i < len(l); i++ {
			if c := l[i]; !asciiAlnum(c) && c != '-' && c != '_' {
				return bad("must be a host name or an IPv4 address: letters, digits, '.', '-' and '_' only (no '/', '#', '?', '@', ':' or spaces)")
			}
		}
	}
	return nil
}

// DialableIP reports whether the control plane may call ip: not
// unspecified (0.0.0.0 reaches this machine), multicast, broadcast or
// link-local (169.254.169.254 is the cloud metadata service).
func DialableIP(ip netip.Addr) bool {
	ip = ip.Unmap()
	return ip.IsValid() && !ip.IsUnspecified() && !ip.IsMulticast() && !ip.IsLinkLocalUnicast() && !ip.IsLinkLocalMulticast() &&
		!ip.IsInterfaceLocalMulticast() && ip != netip.AddrFrom4([4]byte{255, 255, 255, 255})
}

// AdminURL is the URL of one of the instance's admin endpoints (Nepxion's
// config/view, config/update-async …, suffix without a leading '/'), built
// from checked parts only: scheme http or https (metadata protocol), host,
// the admin port (metadata switchyard_admin_port, whose listener serves at
// its root) or else the instance's port under its context path, as
// Nepxion's console does.
func (in *Instance) AdminURL(suffix string) (*url.URL, error) {
	if err := in.checkAddress(); err != nil {
		return nil, err
	}
	if !isCleanPath("/"+suffix, MaxContextPath) {
		return nil, Errorf(CodeInternal, "admin endpoint %s is not a clean path", shortQuote(suffix))
	}
	md := in.Metadata
	scheme := "http"
	if strings.EqualFold(md[MetaProtocol], "https") {
		scheme = "https"
	}
	port, base := in.Port, "/"
	if p, ok := md[MetaAdminPort]; ok {
		port, _ = parsePortText(p)
	} else if c := strings.Trim(md[MetaContextPath], "/"); c != "" {
		base = "/" + c + "/"
	}
	return &url.URL{Scheme: scheme, Host: net.JoinHostPort(in.Host, strconv.Itoa(port)), Path: base + suffix}, nil
}

// checkMetadata bounds the metadata: entry count, key and value lengths,
// total size; keys of safe characters, values without control characters.
func checkMetadata(md map[string]string) error {
	if len(md) > MaxMetadataEntries {
		return FieldErrorf("metadata", "instance.metadata", "metadata has %d keys; at most %d are allowed", len(md), MaxMetadataEntries).
			WithReason("instance.metadata", map[string]string{"limit": strconv.Itoa(MaxMetadataEntries)})
	}
	total := 0
	for k, v := range md {
		if k == "" || len(k) > MaxMetadataKey || !(asciiAlnum(k[0]) || k[0] == '_') || strings.IndexFunc(k, func(r rune) bool { return r > 127 || !metaKeyChar(byte(r)) }) >= 0 {
			return FieldErrorf("metadata", "instance.metadata", "metadata key %s must be 1 to %d letters, digits, '.', '_', ':', '/' or '-', starting with a letter, digit or '_'", shortQuote(k), MaxMetadataKey)
		}
		if len(v) > MaxMetadataValue {
			return metadataError(k, fmt.Sprintf("is %d bytes; at most %d are allowed", len(v), MaxMetadataValue))
		}
		if !utf8.ValidString(v) || strings.IndexFunc(v, unicode.IsControl) >= 0 {
			return metadataError(k, "must be UTF-8 text without control characters")
		}
		total += len(k) + len(v)
	}
	if total > MaxMetadataBytes {
		return FieldErrorf("metadata", "instance.metadata", "metadata is %d bytes; at most %d are allowed", total, MaxMetadataBytes).
			WithReason("instance.metadata", map[string]string{"limit": strconv.Itoa(MaxMetadataBytes)})
	}
	return nil
}

func metadataError(key, why string) error {
	return FieldErrorf("metadata", "instance.metadata", "metadata %s %s", shortQuote(key), why)
}

// checkInstanceToken checks an id or label: 1 to limit characters, each accepted by ok.
func checkInstanceToken(field, v string, limit int, ok func(rune) bool, chars string) error {
	if v == "" {
		return FieldErrorf(field, "instance."+field, "%s is required", field)
	}
	if len(v) > limit*utf8.UTFMax || utf8.RuneCountInString(v) > limit {
		return FieldErrorf(field, "instance."+field, "%s is longer than %d characters", field, limit).
			WithReason("instance."+field, map[string]string{"limit": strconv.Itoa(limit)})
	}
	if strings.IndexFunc(v, func(r rune) bool { return !ok(r) }) >= 0 {
		return FieldErrorf(field, "instance."+field, "%s %s must be %s", field, shortQuote(v), chars)
	}
	return nil
}

// isCleanPath reports whether p is "/" or '/'-separated segments of
// unreserved characters (an optional trailing '/'), none "." or "..".
func isCleanPath(p string, limit int) bool {
	if p == "" || p == "/" {
		return true
	}
	if len(p) > limit || p[0] != '/' {
		return false
	}
	for _, seg := range strings.Split(strings.TrimSuffix(p[1:], "/"), "/") {
		if seg == "" || seg == "." || seg == ".." {
			return false
		}
		for i := 0; i < len(seg); i++ {
			if c := seg[i]; !asciiAlnum(c) && c != '.' && c != '_' && c != '~' && c != '-' {
				return false
			}
		}
	}
	return true
}

// parsePortText parses a decimal port, 1..65535.
func parsePortText(s string) (int, error) {
	if s == "" || len(s) > 5 || s[0] == '0' || strings.Trim(s, "0123456789") != "" {
		return 0, fmt.Errorf("not a port")
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 || n > 65535 {
		return 0, fmt.Errorf("not a port")
	}
	return n, nil
}

// shortQuote renders a refused value for a message: quoted, control characters
// escaped, at most 64 characters.
func shortQuote(s string) string {
	n := 0
	for i := range s {
		if n == 64 {
			return strconv.Quote(s[:i]) + "…"
		}
		n++
	}
	return strconv.Quote(s)
}

func asciiAlnum(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9'
}

func idChar(r rune) bool {
	return r < 128 && (asciiAlnum(byte(r)) || r == '.' || r == '_' || r == ':' || r == '-')
}

func serviceChar(r rune) bool {
	return r < 128 && ('a' <= r && r <= 'z' || '0' <= r && r <= '9' || r == '.' || r == '_' || r == '-')
}

func groupChar(r rune) bool {
	return r < 128 && (asciiAlnum(byte(r)) || r == '.' || r == '_' || r == '-')
}

// labelChar accepts Unicode letters and digits (regions may be named in any
// script) and '.', '_', '+', '-': never a rule's separators ';' ',' or its
// wildcards '*' '?'.
func labelChar(r rune) bool {
	return unicode.IsLetter(r) || unicode.IsDigit(r) || r == '.' || r == '_' || r == '+' || r == '-'
}

func metaKeyChar(c byte) bool {
	return asciiAlnum(c) || c == '.' || c == '_' || c == ':' || c == '/' || c == '-'
}
