package jackson

// AppendString writes s as a JSON string the way Jackson does: only '"',
// '\\' and control characters are escaped (no HTML escaping, unlike
// encoding/json), control characters as \b \t \n \f \r or \u00XX.
func AppendString(b []byte, s string) []byte {
	const hex = "0123456789ABCDEF"
	b = append(b, '"')
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '"' || c == '\\':
			b = append(b, '\\', c)
		case c >= 0x20:
			b = append(b, c)
		case c == '\b':
			b = append(b, '\\', 'b')
		case c == '\t':
			b = append(b, '\\', 't')
		case c == '\n':
			b = append(b, '\\', 'n')
		case c == '\f':
			b = append(b, '\\', 'f')
		case c == '\r':
			b = append(b, '\\', 'r')
		default:
			b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xF])
		}
	}
	return append(b, '"')
}

// StringMap writes an ordered string map as compact JSON, exactly
// Jackson's JsonUtil.toJson of a LinkedHashMap<String,String>.
func StringMap(keys, values []string) string {
	b := []byte{'{'}
	for i := range keys {
		if i > 0 {
			b = append(b, ',')
		}
		b = AppendString(b, keys[i])
		b = append(b, ':')
		b = AppendString(b, values[i])
	}
	return string(append(b, '}'))
}
