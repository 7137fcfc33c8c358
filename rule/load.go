package rule

import "bytes"

// Load turns stored rule text — a config center entry's content — into a
// checked rule, exactly as the data plane reads it: blank text is no rule
// (nil, nil); otherwise the text is parsed within the limits (Parse) and
// validated (Validate), and the first error is returned as a
// *switchyard.Error of code invalid, located and with its reason key.
// Warnings do not make a rule unusable.
func Load(text []byte) (*Rule, error) {
	if len(bytes.TrimSpace(text)) == 0 {
		return nil, nil
	}
	r, err := Parse(text)
	if err != nil {
		return nil, err
	}
	if err := Validate(r).Err(); err != nil {
		return nil, err
	}
	return r, nil
}

// Check reports whether the data plane would apply text: Load, then
// compilation of the rule as the only rule of an instance, with the
// expression budgets. The control plane calls it before it stores a rule,
// so that nothing a gateway would refuse or choke on is ever published.
func Check(text []byte) error {
	r, err := Load(text)
	if err != nil {
		return err
	}
	_, err = CompileLoaded(r, nil)
	return err
}
