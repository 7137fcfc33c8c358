// Package spel compiles and evaluates the subset of Spring Expression
// Language (SpEL) that Nepxion Discovery users write in the expression of a
// blue-green or gray condition, with Nepxion's exact results:
//
//	#H['a'] == '1' and #H['b'] != '2'
//	#H['user-type'] == 'vip' || #H['age'] >= 18
//	not (#H['v'] matches '^1\.[0-9]+$')
//	#H['x'] == null
//
// An expression is compiled once ([Compile], or [CompileShared] to share
// slots among the expressions of one rule) into a small node array, and
// [Expr.Eval] evaluates it without allocating and without panicking. The
// evaluator is a sandbox: it reads the values a [Vars] hands it and nothing
// else, and compilation refuses everything beyond the subset below with a
// [SyntaxError] that names the construct and its position.
//
// # The subset
//
//   - Variables: #H['name'] only, the name in single quotes. #H["name"],
//     a computed key, any other #variable, #root and #this are refused.
//   - Literals: strings in single or double quotes (a quote inside is written
//     twice), integers (SpEL int range), decimals and exponents (1.5, 1e3),
//     a minus sign before a number, true, false, null.
//   - Comparisons == != < <= > >= and eq ne lt le gt ge; logic and or not and
//     && || !; parentheses. Words are case-insensitive, as in SpEL.
//   - matches with a string literal regex on the right.
//   - Precedence is SpEL's: not/! binds tighter than comparisons and
//     matches, which bind tighter than and, then or. So not #H['a'] == '1'
//     negates #H['a'] alone and is refused; write not (#H['a'] == '1').
//     Comparisons do not chain.
//   - Types are checked at compile time: the operands of and, or and not, and
//     the whole expression, must be conditions (comparisons, matches, true,
//     false). SpEL would convert strings such as "yes" to booleans there;
//     the subset refuses instead.
//
// Refused with a message: method calls, property access, indexing other than
// #H['name'], T(...), new, assignment, arithmetic (+ - * / % div mod ^ ++
// --), between, instanceof, the ternary and Elvis operators, safe
// navigation, selection and projection, bean references, inline lists and
// maps, hexadecimal numbers and number suffixes, integers beyond the int
// range, and an empty expression.
//
// # Semantics
//
// Results follow Spring SpEL (Operator.equalityCheck, OpLT and friends,
// OperatorMatches) with Nepxion's DiscoveryTypeComparator:
//
//   - #H['x'] is a string, or null when the variable is absent.
//   - == and != : two strings compare as text ('1.0' == '1' is false); two
//     numbers numerically (1 == 1.0); booleans as booleans; null equals only
//     null, so #H['a'] != '2' is true when a is absent. A string never equals
//     a number: #H['age'] == 18 is always false.
//   - < <= > >= : null sorts before every value; two values that both parse
//     as java.math.BigDecimal compare numerically ('10' > '9', and '1e2' is
//     both <= and >= '100'), exactly, whatever their length or exponent;
//     other strings compare as Java strings (UTF-16 code units, which differ
//     from Go's byte order when a character above U+FFFF meets one in
//     U+E000–U+FFFF); booleans order false before true; any other mix (a
//     non-numeric string against a number, a string against a boolean) is
//     an error.
//   - matches needs a non-null string on its left (null is an error) and
//     matches the whole string, as Java's String.matches does.
//   - and and or evaluate left to right and stop early. An error anywhere
//     else makes the whole expression false, because Nepxion swallows
//     evaluation exceptions as false: not (#H['v'] matches 'x') is false,
//     not true, when v is absent.
//
// # Nepxion parity
//
// Nepxion fills the #H map only with the names its regex \#H\['\S+'\] finds
// (greedy; the name is the text between #H[' and the first '], trimmed).
// In #H['a']=='1'&&#H['b']=='2', written without spaces, the one match
// covers both references and only a is ever filled. A reference whose name
// that scan does not produce is compiled as the constant null, is left out
// of [Expr.Slots] and [Expr.Names], and gets a [Warning] explaining why.
//
// Nepxion never puts a blank value into the map it builds from a request, so
// a [Vars] serving request values should report blank values as absent.
// [EvalMap] passes values through unchanged, like Nepxion's console
// "validate" API, which evaluates against an explicit map.
//
// Warnings also flag likely mistakes: comparing a variable with a number or
// boolean literal (always false with ==), comparisons of constants, the null
// pitfalls (!= and < are true when the variable is absent, unless guarded by
// #H['x'] != null and …), comparing with a blank literal, ordering against
// null, a matches that can make the whole expression false under not or or,
// and string literals whose doubled quotes older Spring reads differently.
//
// # Regular expressions
//
// Java patterns are translated to Go's RE2. Constructs RE2 lacks
// (backreferences, lookaround, atomic groups, possessive quantifiers, class
// unions and intersections) are refused. Constructs RE2 spells differently
// are rewritten: Java's '.' excludes \r, \u0085, \u2028 and \u2029, its \s
// includes \x0B, \v \h \R \e \cX \uXXXX \0oct \Q…\E and the POSIX \p{Alpha}
// names, and (?i), which folds ASCII letters only in Java: the translator
// folds them itself instead of handing RE2 its Unicode folding (under which
// é would match É and k the Kelvin sign).
//
// # Budgets
//
// Compilation and evaluation keep the budgets of [Limits] ([DefaultLimits]),
// so that neither a stored rule nor a request can cost more than a bounded
// amount of memory and CPU. Compilation refuses, with a [SyntaxError] whose
// Reason and Limit name the budget: an expression longer than
// ExpressionBytes (budget.expression); a bounded repeat {n,m} whose count,
// multiplied through nested repeated groups, exceeds RegexRepeat
// (budget.regex.repeat); a pattern whose compiled program exceeds
// RegexInstructions (budget.regex.program, counted before regexp builds
// its matcher); and patterns that together, over one [Symbols] table (one
// rule), exceed RegexTotal (budget.regex.total). RE2 matches in time
// proportional to the program size times the input, so these bound what
// one match can cost. At evaluation, a matches on a value longer than
// MatchValueBytes, and any matches or ordering comparison beyond what is
// left of the evaluation's work budget (EvalWork; the data plane shares one
// budget among all expressions of a request, [Expr.EvalWithin]), is an
// evaluation error: the whole expression is false, as for any SpEL
// exception, so not (#H['v'] matches 'x') is false too. The outcome depends
// only on the expressions and the values, never on time.
//
// # Known differences
//
// These remain, each confined to input no rule is likely to meet:
//
//   - In (?m) mode Java's ^ and $ also treat \r, \u0085, \u2028 and \u2029
//     as line ends; outside it Java's $ also matches before a final line
//     terminator, which matters only when the pattern goes on after $.
//   - Java's \b uses Unicode letters and digits; RE2's uses ASCII. Inside a
//     class, [\S] keeps RE2's \S, which includes \x0B.
//   - \p{…} categories and scripts, and the Unicode digits BigDecimal
//     accepts, come from Go's Unicode tables, which are newer than Java 8's.
//     \p{Lu}, \p{Ll}, \p{Lt}, \p{Lower} and \p{Upper} under (?i) are refused:
//     how Java folds them differs between JDK versions.
//   - A decimal literal compares against a string through Java's
//     Double.toString; this package uses the shortest representation, as
//     JDK 19+ does. Older JDKs print a few doubles with extra digits.
//   - A double literal that overflows to infinity is refused.
//   - Spring before 5.3.20 also collapses the doubled quotes of the other
//     kind inside a string literal; this package follows 5.3.20 and later
//     and warns about such literals.
//
// The evaluation results are checked against Spring SpEL itself: the
// vectors in testdata/oracle.golden were produced by Spring SpEL 4.3.30 with
// Nepxion's comparator and name scan (testdata/oracle/Oracle.java).
package spel
