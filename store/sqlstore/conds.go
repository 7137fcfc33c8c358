package sqlstore

import (
	"strconv"
	"strings"
)

// conds collects the conditions of a filtered query and their arguments,
// numbered $1, $2, … in order (both dialects take $n).
type conds struct {
	where []string
	args  []any
}

// add adds cond, whose one ? is arg.
func (q *conds) add(cond string, arg any) {
	q.args = append(q.args, arg)
	q.where = append(q.where, strings.ReplaceAll(cond, "?", "$"+strconv.Itoa(len(q.args))))
}

// in adds "col IN (…)" over values; no values matches nothing.
func in[T ~string](q *conds, col string, values []T) {
	if len(values) == 0 {
		q.where = append(q.where, "1 = 0")
		return
	}
	marks := make([]string, len(values))
	for i, v := range values {
		q.args = append(q.args, string(v))
		marks[i] = "$" + strconv.Itoa(len(q.args))
	}
	q.where = append(q.where, col+" IN ("+strings.Join(marks, ", ")+")")
}

// arg adds an argument used by no condition (LIMIT, OFFSET) and returns its
// placeholder.
func (q *conds) arg(v any) string {
	q.args = append(q.args, v)
	return "$" + strconv.Itoa(len(q.args))
}

func where(conds []string) string {
	if len(conds) == 0 {
		return ""
	}
	return ` WHERE ` + strings.Join(conds, " AND ")
}

// likePrefix escapes LIKE wildcards in p and appends %.
func likePrefix(p string) string {
	return likeEscaper.Replace(p) + "%"
}

// likeContains escapes LIKE wildcards in p and puts % on both sides.
func likeContains(p string) string {
	return "%" + likeEscaper.Replace(p) + "%"
}

var likeEscaper = strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)
