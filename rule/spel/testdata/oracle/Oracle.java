// Oracle evaluates expressions the way Nepxion Discovery does, with the real
// Spring SpEL, to produce the golden vectors in ../oracle.golden. It is run by
// `go test ./rule/spel -run TestOracle -update-oracle` on a machine with a JDK
// and Debian's libspring-expression-java; CI only replays the golden file.
//
// Input lines:  expression TAB name=value TAB name=value ...  (each field
// percent-encoded, as Go's url.QueryEscape writes it).
// Output lines: true | false | null | error:ExceptionClass
//
// Like Nepxion, the variable map holds only the names found by the regex
// \#H\['\S+'\] (text between #H[' and the first '], trimmed); unlike a
// request, blank values are kept, as Nepxion's console "validate" API does.
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.math.BigDecimal;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.springframework.expression.spel.standard.SpelExpressionParser;
import org.springframework.expression.spel.support.StandardEvaluationContext;
import org.springframework.expression.spel.support.StandardTypeComparator;

public class Oracle {
    // The same rules as Nepxion's DiscoveryTypeComparator.
    static class Comparator extends StandardTypeComparator {
        @Override
        public int compare(Object left, Object right) {
            if (left == null) {
                return right == null ? 0 : -1;
            } else if (right == null) {
                return 1;
            }
            try {
                return super.compare(new BigDecimal(left.toString()), new BigDecimal(right.toString()));
            } catch (Exception e) {
                // not two numbers
            }
            return super.compare(left, right);
        }
    }

    static final Pattern NAMES = Pattern.compile("\\#H\\['\\S+'\\]");
    static final SpelExpressionParser PARSER = new SpelExpressionParser();

    public static void main(String[] args) throws Exception {
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        StringBuilder out = new StringBuilder();
        for (String line; (line = in.readLine()) != null;) {
            String[] f = line.split("\t", -1);
            String expr = URLDecoder.decode(f[0], "UTF-8");
            Map<String, String> given = new HashMap<>();
            for (int i = 1; i < f.length; i++) {
                String kv = URLDecoder.decode(f[i], "UTF-8");
                int eq = kv.indexOf('=');
                given.put(kv.substring(0, eq), kv.substring(eq + 1));
            }
            out.append(eval(expr, given)).append('\n');
        }
        System.out.print(out);
    }

    static String eval(String expr, Map<String, String> given) {
        Map<String, String> h = new HashMap<>();
        Matcher m = NAMES.matcher(expr);
        while (m.find()) {
            String g = m.group();
            int start = g.indexOf("#H['") + 4;
            String name = g.substring(start, g.indexOf("']", start)).trim();
            if (given.containsKey(name)) {
                h.put(name, given.get(name));
            }
        }
        StandardEvaluationContext ctx = new StandardEvaluationContext();
        ctx.setTypeComparator(new Comparator());
        ctx.setVariable("H", h);
        try {
            Boolean b = PARSER.parseExpression(expr).getValue(ctx, Boolean.class);
            return b == null ? "null" : b.toString();
        } catch (Exception e) {
            return "error:" + e.getClass().getSimpleName();
        }
    }
}
