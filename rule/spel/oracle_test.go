package spel

import (
	"bufio"
	"flag"
	"fmt"
	"math/rand/v2"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

var updateOracle = flag.Bool("update-oracle", false, "regenerate testdata/oracle.golden with Java and Spring SpEL (needs javac and Debian's libspring-expression-java)")

const oracleGolden = "testdata/oracle.golden"

// oracleCase is one expression evaluated against one set of values.
type oracleCase struct {
	expr   string
	values map[string]string
	want   string // true | false | null | error:Class, as Spring SpEL answered
}

// handwrittenOracle are the cases the package documentation promises,
// checked against the real SpEL next to the generated ones.
var handwrittenOracle = []struct {
	expr   string
	values map[string]string
}{
	{"#H['a'] == '1' and #H['b'] != '2'", map[string]string{"a": "1"}},
	{"#H['a'] == '1' and #H['b'] != '2'", map[string]string{"a": "1", "b": "2"}},
	{"#H['user-type'] == 'vip' || #H['age'] >= 18", map[string]string{"age": "18"}},
	{"#H['user-type'] == 'vip' || #H['age'] >= 18", map[string]string{"age": "x"}},
	{"#H['user-type'] == 'vip' || #H['age'] >= 18", map[string]string{"user-type": "vip", "age": "x"}},
	{`not (#H['v'] matches '^1\.[0-9]+$')`, map[string]string{"v": "1.12"}},
	{`not (#H['v'] matches '^1\.[0-9]+$')`, map[string]string{"v": "2.0"}},
	{`not (#H['v'] matches '^1\.[0-9]+$')`, nil},
	{"#H['x'] == null", nil},
	{"#H['x'] == null", map[string]string{"x": "1"}},
	{"#H['a']=='1'&&#H['b']=='2'", map[string]string{"a": "1", "b": "2"}},
	{"#H['a']=='1'&&#H['b']==null", map[string]string{"a": "1", "b": "2"}},
	{"#H['a']=='1'&&#H['b']=='2' and #H['b'] == '2'", map[string]string{"a": "1", "b": "2"}},
	{"#H['a'] == 1", map[string]string{"a": "1"}},
	{"#H['a'] != 1", map[string]string{"a": "1"}},
	{"#H['a'] == '1.0'", map[string]string{"a": "1"}},
	{"#H['a'] > '9'", map[string]string{"a": "10"}},
	{"#H['a'] < 'abd'", map[string]string{"a": "abc"}},
	{"#H['a'] == '100'", map[string]string{"a": "1e2"}},
	{"#H['a'] <= '100' and #H['a'] >= '100'", map[string]string{"a": "1e2"}},
	{"#H['a'] < '2'", nil},
	{"#H['a'] != '2'", nil},
	{"#H['a'] > 1.5", map[string]string{"a": "1.50000000000000000001"}},
	{"#H['a'] > 1e2", map[string]string{"a": "100.0"}},
	{"#H['a'] >= -3", map[string]string{"a": "-3.0"}},
	{"#H['a'] < 'x'", map[string]string{"a": "😀"}},
	{"#H['a'] < '\ue000'", map[string]string{"a": "😀"}},
	{"#H['a'] > '\uffff'", map[string]string{"a": "😀"}},
	{"#H['a'] < 10", map[string]string{"a": "１２"}},
	{"#H['a'] < 10", map[string]string{"a": "abc"}},
	{"#H['a'] matches 'x' or true", nil},
	{"true or #H['a'] matches 'x'", nil},
	{"false and #H['a'] matches 'x'", nil},
	{"#H['a'] != null and #H['a'] matches '1'", nil},
	{"(#H['a'] == '1') == true", map[string]string{"a": "1"}},
	{"(#H['a'] == '1') < true", map[string]string{"a": "2"}},
	{"(#H['a'] == '1') == 'true'", map[string]string{"a": "1"}},
	{"#H['a'] < true", nil},
	{"#H['a'] < true", map[string]string{"a": "1"}},
	{"null < null or null <= null", nil},
	{"1 == 1.0 and 1 < 1.5 and 2147483647 > -2147483647", nil},
	{"'it''s' == \"it's\" and \"say \"\"hi\"\"\" == 'say \"hi\"'", nil},
	{"#H['a'] EQ '1' AND NOT (#H['b'] Ne null) oR FALSE", map[string]string{"a": "1"}},
	{"#H['a'] matches '(?i)ABC'", map[string]string{"a": "abc"}},
	{"#H['a'] matches '.'", map[string]string{"a": "\r"}},
	{"#H['a'] matches '\\s'", map[string]string{"a": "\x0b"}},
	{"#H['a'] matches '\\d+'", map[string]string{"a": "12\n"}},
	{"#H[ 'a' ] == '1'", map[string]string{"a": "1"}},
	{"# H['a'] == null", map[string]string{"a": "1"}},
	{"#H['a '] == '1'", map[string]string{"a": "1", "a ": "1"}},
	{"#H['\x01a'] == '1'", map[string]string{"a": "1", "\x01a": "1"}},
}

// oracleNumbers are strings whose order tests the BigDecimal emulation:
// signs, zeros, fractions, exponents, Unicode digits, the limits of the
// exponent, and near-numbers that must fall back to string order.
var oracleNumbers = []string{
	"0", "-0", "+0", "0.000", "00", "1", "+1", "-1", "1.0", "1.", ".5", "0.5", "-.5", "5.", "10", "9", "010",
	"1e1", "1E+1", "10e-1", "0.1e1", "1e0000000000001", "1e2147483647", "-1e2147483647", "1e-2147483647",
	"1e2147483648", "1.5e-2147483647", "123456789012345678901234567890", "123456789012345678901234567891",
	"0.0000000000000000000000000001", "１２", "٣", "1e５", "12345678901234567890.5", "1_0", "1e", "e1", "", " 1",
	"abc", "😀", "\ue000", "NaN", "Infinity", "0x10", "+-1", "1.2.3",
}

func TestOracle(t *testing.T) {
	if *updateOracle {
		writeOracle(t)
	}
	cases := readOracle(t)
	if len(cases) < 6000 {
		t.Fatalf("%s holds %d cases; regenerate it", oracleGolden, len(cases))
	}
	for i, c := range cases {
		checkOracle(t, fmt.Sprintf("%s:%d", oracleGolden, i+3), c)
	}
}

// oracleInputs are the handwritten cases and a fixed set of generated ones,
// keeping only expressions the subset accepts.
func oracleInputs() []oracleCase {
	var out []oracleCase
	for _, h := range handwrittenOracle {
		out = append(out, oracleCase{expr: h.expr, values: h.values})
	}
	for _, a := range oracleNumbers {
		for _, b := range oracleNumbers {
			v := map[string]string{"a": a, "b": b}
			out = append(out, oracleCase{expr: "#H['a'] < #H['b']", values: v}, oracleCase{expr: "#H['a'] > #H['b']", values: v})
		}
	}
	g := exprGen{r: rand.New(rand.NewPCG(1, 2))}
	for n := 0; n < 1200; {
		src := g.cond(0)
		if _, err := Compile(src); err != nil {
			continue
		}
		out = append(out, oracleCase{expr: src, values: g.values()}, oracleCase{expr: src, values: g.values()})
		n++
	}
	return out
}

// runOracle asks Spring SpEL (through testdata/oracle/Oracle.java) for the
// result of each case.
func runOracle(t *testing.T, cases []oracleCase) []string {
	t.Helper()
	dir := t.TempDir()
	cp := "/usr/share/java/spring3-expression.jar:/usr/share/java/spring3-core.jar:/usr/share/java/commons-logging.jar"
	if out, err := exec.Command("javac", "-cp", cp, "-d", dir, "testdata/oracle/Oracle.java").CombinedOutput(); err != nil {
		t.Fatalf("javac: %v\n%s", err, out)
	}
	var in strings.Builder
	for _, c := range cases {
		in.WriteString(url.QueryEscape(c.expr))
		for _, k := range sortedKeys(c.values) {
			in.WriteString("\t" + url.QueryEscape(k+"="+c.values[k]))
		}
		in.WriteByte('\n')
	}
	cmd := exec.Command("java", "-cp", cp+":"+dir, "Oracle")
	cmd.Stdin = strings.NewReader(in.String())
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("java Oracle: %v", err)
	}
	results := strings.Split(strings.TrimSuffix(string(out), "\n"), "\n")
	if len(results) != len(cases) {
		t.Fatalf("java Oracle answered %d lines for %d cases", len(results), len(cases))
	}
	return results
}

// TestOracleSweep compares many fresh random expressions with Spring SpEL
// live. It needs Java, so it runs only when asked:
// SPEL_ORACLE_SWEEP=20000 go test ./rule/spel -run TestOracleSweep
func TestOracleSweep(t *testing.T) {
	n, _ := strconv.Atoi(os.Getenv("SPEL_ORACLE_SWEEP"))
	if n == 0 {
		t.Skip("set SPEL_ORACLE_SWEEP=<count> to compare with Spring SpEL live")
	}
	g := exprGen{r: rand.New(rand.NewPCG(rand.Uint64(), 0))}
	var cases []oracleCase
	for len(cases) < n {
		if src := g.cond(0); compiles(src) {
			cases = append(cases, oracleCase{expr: src, values: g.values()})
		}
	}
	for i, want := range runOracle(t, cases) {
		c := cases[i]
		checkOracle(t, fmt.Sprintf("case %d", i), oracleCase{expr: c.expr, values: c.values, want: want})
	}
}

func compiles(src string) bool {
	_, err := Compile(src)
	return err == nil
}

// checkOracle compares our answer for c with Spring's.
func checkOracle(t *testing.T, where string, c oracleCase) {
	t.Helper()
	e, err := Compile(c.expr)
	switch {
	case err != nil:
		t.Errorf("%s: Compile(%q): %v", where, c.expr, err)
	case strings.HasPrefix(c.want, "error:SpelParse"):
		t.Errorf("%s: %q compiles, but Spring SpEL cannot parse it", where, c.expr)
	case EvalMap(e, c.values) != (c.want == "true"):
		t.Errorf("%s: %q with %q = %v, Spring SpEL says %s", where, c.expr, c.values, !(c.want == "true"), c.want)
	}
}

func writeOracle(t *testing.T) {
	cases := oracleInputs()
	results := runOracle(t, cases)
	var golden strings.Builder
	golden.WriteString("# Generated by go test -run TestOracle -update-oracle (Spring SpEL 4.3.30, see testdata/oracle/Oracle.java).\n")
	golden.WriteString("# result TAB quoted expression {TAB quoted name=value}\n")
	for i, c := range cases {
		golden.WriteString(results[i] + "\t" + strconv.Quote(c.expr))
		for _, k := range sortedKeys(c.values) {
			golden.WriteString("\t" + strconv.Quote(k+"="+c.values[k]))
		}
		golden.WriteByte('\n')
	}
	if err := os.WriteFile(filepath.FromSlash(oracleGolden), []byte(golden.String()), 0o644); err != nil {
		t.Fatal(err)
	}
}

func readOracle(t *testing.T) []oracleCase {
	f, err := os.Open(filepath.FromSlash(oracleGolden))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []oracleCase
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "#") {
			continue
		}
		c, err := parseOracleLine(line)
		if err != nil {
			t.Fatalf("%s: %v", line, err)
		}
		out = append(out, c)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

func parseOracleLine(line string) (oracleCase, error) {
	f := strings.Split(line, "\t")
	if len(f) < 2 {
		return oracleCase{}, fmt.Errorf("want result and expression")
	}
	expr, err := strconv.Unquote(f[1])
	if err != nil {
		return oracleCase{}, err
	}
	c := oracleCase{expr: expr, want: f[0], values: map[string]string{}}
	for _, q := range f[2:] {
		kv, err := strconv.Unquote(q)
		if err != nil {
			return oracleCase{}, err
		}
		k, v, _ := strings.Cut(kv, "=")
		c.values[k] = v
	}
	return c, nil
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
