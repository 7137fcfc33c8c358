package spel

import (
	"errors"
	"strings"
	"testing"
)

// refusals lists every construct outside the subset with the exact message
// and position (0-based byte offset) a user sees.
var refusals = []struct {
	src string
	pos int
	msg string
}{
	{"", 0, "expression is empty"},
	{"   ", 0, "expression is empty"},
	{"#H[\"a\"] == '1'", 3, "#H[\"a\"] uses double quotes; write #H['a']: Nepxion only fills variables written with single quotes"},
	{"#H[a] == '1'", 3, "#H[...] needs a single-quoted name, as in #H['name'], found a"},
	{"#H[1] == '1'", 3, "#H[...] needs a single-quoted name, as in #H['name'], found 1"},
	{"#H == '1'", 0, "#H must be indexed with a single-quoted name, as in #H['name']"},
	{"#x['a'] == '1'", 0, "unknown variable #x: the only variable is #H['name']"},
	{"#h['a'] == '1'", 0, "unknown variable #h: the only variable is #H['name'] (variable names are case-sensitive)"},
	{"#root == null", 0, "#root is not supported: the only variable is #H['name']"},
	{"#this == null", 0, "#this is not supported: the only variable is #H['name']"},
	{"# == '1'", 0, "'#' must be followed by H['name']: #H is the only variable"},
	{"#H('a')", 0, "function calls #H(...) are not supported"},
	{"#H['a'].equals('1')", 7, "method call .equals(...) is not supported; use =="},
	{"#H['a'].contains('1')", 7, "method call .contains(...) is not supported; use matches '.*…'"},
	{"#H['a'].length() > 1", 7, "method call .length(...) is not supported; use matches '.{n}'"},
	{"#H['a'].foo()", 7, "method call .foo(...) is not supported"},
	{"#H['a'].bytes == null", 7, "property access .bytes is not supported"},
	{"T(java.lang.Math).random() > 0.5", 0, "type references T(...) are not supported"},
	{"new String('a') == 'a'", 0, "constructors (new ...) are not supported"},
	{"#H['a'] = '1'", 8, "assignment = is not supported; use == to compare"},
	{"#H['a'] + 1 > 2", 8, "arithmetic operator + is not supported"},
	{"#H['a'] - 1 > 2", 8, "arithmetic operator - is not supported"},
	{"#H['a'] * 2 > 2", 8, "arithmetic operator * is not supported"},
	{"#H['a'] / 2 > 2", 8, "arithmetic operator / is not supported"},
	{"#H['a'] % 2 > 2", 8, "arithmetic operator % is not supported"},
	{"#H['a'] div 2 > 2", 8, "arithmetic operator div is not supported"},
	{"#H['a'] mod 2 > 2", 8, "arithmetic operator mod is not supported"},
	{"#H['a'] ^ 2 > 2", 8, "arithmetic operator ^ is not supported"},
	{"#H['a'] between {1, 2}", 8, "operator between is not supported"},
	{"#H['a'] instanceof T(String)", 8, "operator instanceof is not supported"},
	{"#H['a'] == '1' ? true : false", 15, "the ternary operator a ? b : c is not supported; combine conditions with and/or"},
	{"#H['a'] ?: 'x'", 8, "the Elvis operator ?: is not supported"},
	{"#H['a']?.length() > 1", 7, "safe navigation ?. is not supported"},
	{"#H['a'].![x] == null", 7, "collection projection .![...] is not supported"},
	{"#H['a'].?[x] == null", 7, "collection selection .?[...] is not supported"},
	{"@bean == null", 0, "bean references (@name) are not supported"},
	{"{1,2} == null", 0, "inline lists and maps {...} are not supported"},
	{"{'a':1} == null", 0, "inline lists and maps {...} are not supported"},
	{"#H['a'][0] == 'x'", 7, "indexing with [...] is only supported as #H['name']"},
	{"'abc'[0] == 'a'", 5, "indexing with [...] is only supported as #H['name']"},
	{"[1] == 1", 0, "indexing with [...] is only supported as #H['name']"},
	{"#H['a'] and true", 0, "the operands of and must be conditions (comparisons, matches, true or false), found #H['a']"},
	{"true or #H['a']", 8, "the operands of or must be conditions (comparisons, matches, true or false), found #H['a']"},
	{"not #H['a'] == '1'", 0, "not applies only to the operand right after it, #H['a'], which is not a condition; put the comparison in parentheses: not (#H['a'] == '…')"},
	{"!#H['a']", 0, "! applies only to the operand right after it, #H['a'], which is not a condition; put the comparison in parentheses: ! (#H['a'] == '…')"},
	{"#H['a']", 0, "the expression must be a condition (a comparison, matches, and/or/not, true or false), found #H['a']"},
	{"'x'", 0, "the expression must be a condition (a comparison, matches, and/or/not, true or false), found 'x'"},
	{"1", 0, "the expression must be a condition (a comparison, matches, and/or/not, true or false), found 1"},
	{"null", 0, "the expression must be a condition (a comparison, matches, and/or/not, true or false), found null"},
	{"#H['a'] matches #H['b']", 16, "the right side of matches must be a string literal regex, found #H['b']"},
	{"#H['a'] matches 1", 16, "the right side of matches must be a string literal regex, found 1"},
	{"1 matches '1'", 0, "the left side of matches must be #H['name'] or a string literal, found 1"},
	{"#H['a'] == '1' == true", 15, "comparisons cannot be chained (==); join them with and/or, or put one in parentheses"},
	{"#H['a'] == '1' matches 'x'", 15, "comparisons cannot be chained (matches); join them with and/or, or put one in parentheses"},
	{"#H['a'] matches '(a)\\1'", 20, "regex: backreferences (\\1) are not supported by Go's RE2 engine"},
	{"#H['a'] matches '(?=a)a'", 17, "regex: lookahead (?= or (?! is not supported by Go's RE2 engine"},
	{"#H['a'] matches '(?<!a)b'", 17, "regex: lookbehind (?<= or (?<! is not supported by Go's RE2 engine"},
	{"#H['a'] matches '(?>a)'", 17, "regex: atomic groups (?> are not supported by Go's RE2 engine"},
	{"#H['a'] matches 'a++'", 18, "regex: possessive quantifiers (*+, ++, ?+, {n}+) are not supported by Go's RE2 engine"},
	{"#H['a'] matches '[a[b]]'", 19, "regex: a '[' inside a character class is a Java union (or a POSIX class, which Java does not have); RE2 reads it differently, so escape it as \\[ or write the union out"},
	{"#H['a'] matches '[a-z&&[^b]]'", 21, "regex: character class intersection (&&) is not supported by Go's RE2 engine"},
	{"#H['a'] matches '{'", 17, "regex: '{' must start a repetition {n}, {n,} or {n,m} in Java; write a literal brace as \\{"},
	{"#H['a'] matches '(?U)a'", 17, "regex: flag U means UNICODE_CHARACTER_CLASS in Java but ungreedy in Go; it is not supported"},
	{"#H['a'] matches '(?x)a'", 17, "regex: flag x is not supported"},
	{"#H['a'] matches '\\k<n>'", 17, "regex: named backreferences (\\k<name>) are not supported by Go's RE2 engine"},
	{"#H['a'] matches '(?P<n>a)'", 17, "regex: (?P<name>…) is not Java syntax; Java names groups as (?<name>…)"},
	{"#H['a'] matches '\\p{javaLowerCase}'", 17, "regex: Unicode property \\p{javaLowerCase} is not supported (use a category like \\p{L} or a script like \\p{IsLatin})"},
	{"#H['a'] matches '(?i)\\p{Lu}'", 21, "regex: \\p{Lu} under (?i) is not supported: Java folds it differently across JDK versions"},
	{"#H['a'] matches '\\Z'", 17, "regex: \\Z is not supported by Go's RE2 engine"},
	{"#H['a'] matches '('", 17, "regex \"(\" is not valid: missing closing )"},
	{"#H['a'] matches 'a{2000}'", 18, "regex: the repeat {2000} repeats 2000 times; the limit is 256"},
	{"#H['a'] matches 'a{99999999999999999999}'", 18, "regex: the repeat {99999999999999999999} repeats more than 256 times; the limit is 256"},
	{"#H['a'] matches '(a{20}){20}'", 24, "regex: the repeat {20} applies to a group that repeats 20 times inside, 400 repetitions in all; the limit is 256"},
	{"'abc", 0, "unterminated string literal starting here (a quote inside a string is written twice: '')"},
	{"\"abc", 0, "unterminated double-quoted string literal starting here (a quote inside a string is written twice: \"\")"},
	{"#H['a'] == 0x10", 11, "hexadecimal numbers are not supported; write the number in decimal"},
	{"#H['a'] == 10L", 11, "number suffix 'L' in 10L is not supported; write a plain decimal number"},
	{"#H['a'] == 1.5f", 11, "number suffix 'f' in 1.5f is not supported; write a plain decimal number"},
	{"#H['a'] == 1e", 11, "malformed number \"1e\": the exponent needs digits"},
	{"#H['a'] == 2147483648", 11, "integer 2147483648 does not fit SpEL's int (at most 2147483647); quote it to compare it as text"},
	{"#H['a'] == -2147483648", 11, "integer 2147483648 does not fit SpEL's int (at most 2147483647); quote it to compare it as text"},
	{"#H['a'] == 1e400", 11, "number 1e400 is out of the range of a double"},
	{"#H['a'] == \\'1'", 11, "unexpected '\\' outside a string: SpEL has no backslash escapes (inside quotes a backslash is an ordinary character)"},
	{"#H['a'] == '1' & #H['b'] == '2'", 15, "a single & is not an operator; use &&"},
	{"#H['a'] == '1' | #H['b'] == '2'", 15, "a single | is not an operator; use ||"},
	{"(#H['a'] == '1'", 0, "missing ')' to close this '('"},
	{"#H['a'] == '1')", 14, "unexpected ')' without a matching '('"},
	{"#H['a'] == '1' and", 18, "expected a value after and, found the end of the expression"},
	{"#H['a'] ==", 10, "expected a value after '==', found the end of the expression"},
	{"== '1'", 0, "expected a value, found '=='"},
	{"#H['a'] == abc", 11, "unknown name abc: text must be quoted ('abc') and variables are written #H['name']"},
	{"foo('x')", 0, "function and method calls like foo(...) are not supported"},
	{"#H['a'] 'x'", 8, "missing operator before 'x'"},
	{"#H['a'] == '1' #H['b'] == '2'", 15, "missing operator before #H['b']"},
	{"#H['a'] ++", 8, "increment and decrement (++) are not supported"},
	{"-#H['a'] == 1", 0, "arithmetic operator - is not supported (a minus sign is allowed only right before a number)"},
	{"+1 == 1", 0, "arithmetic operator + is not supported (a minus sign is allowed only right before a number)"},
	{"#H['a'] == '1' and and", 19, "expected a value before operator and"},
	{"#H['a'] £ 1", 8, "unexpected character '£'"},
	{"#H['a'] eq", 10, "expected a value after eq, found the end of the expression"},
	{"#H['a'] == ne", 11, "expected a value before operator ne"},
	{"#H['a'] == '1' , 2", 15, "unexpected ','"},
	{"#H['a'] == 'x' : 1", 15, "unexpected ':'"},
	{"#H['a'].", 7, "unexpected '.' (property access and method calls are not supported)"},
	{"$[x]", 0, "collection selection/projection $[...] is not supported"},
	{"(", 1, "expected a value after '(', found the end of the expression"},
	{")", 0, "expected a value, found ')'"},
}

func TestCompileRefuses(t *testing.T) {
	deep := "#H['a'] == '1' and " + strings.Repeat("(", maxDepth+1) + "true" + strings.Repeat(")", maxDepth+1)
	cases := append(refusals, struct {
		src string
		pos int
		msg string
	}{deep, 19 + maxDepth, "the expression nests more than 200 levels deep"})
	for _, c := range cases {
		t.Run(shorten(c.src), func(t *testing.T) {
			e, err := Compile(c.src)
			if err == nil {
				t.Fatalf("Compile(%q) = %v, want an error", c.src, e)
			}
			var se *SyntaxError
			if !errors.As(err, &se) {
				t.Fatalf("error %T is not a *SyntaxError", err)
			}
			if se.Pos != c.pos || se.Msg != c.msg || se.Src != c.src {
				t.Errorf("Compile(%q) = position %d %q, want position %d %q", c.src, se.Pos, se.Msg, c.pos, c.msg)
			}
		})
	}
}

func TestSyntaxErrorMessage(t *testing.T) {
	_, err := Compile(`#H['a'] == '1' and #H["b"] == '2'`)
	want := `expression "#H['a'] == '1' and #H[\"b\"] == '2'": position 23: #H["b"] uses double quotes; write #H['b']: Nepxion only fills variables written with single quotes`
	if err == nil || err.Error() != want {
		t.Errorf("err = %v\nwant %s", err, want)
	}
}
