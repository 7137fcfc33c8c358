package switchyard

// The bounds of an audit record's columns, in bytes. An attempt may carry
// anything (a 900 KB login name, a 1 MB path); what is recorded of it is
// bounded, so refusals cannot fill the disk or make the audit page huge.
// A column cut to its bound ends with "…[truncated from N bytes]".
const (
	AuditActorMax    = 128  // names are at most 63; room for "nepxion-loopback" and the like
	AuditResourceMax = 256  // kind/name, e.g. release/r1
	AuditPathMax     = 512  // the request path
	AuditDetailMax   = 2048 // what changed or why it was refused
	AuditShortMax    = 64   // via, action, method, outcome, remote address, request ID
)

// Bound cuts every column of e to its bound and makes each storable (valid
// UTF-8, no NUL). Stores call it in AppendAudit, so every writer is bounded.
func (e *AuditEntry) Bound() {
	for _, c := range []struct {
		v   *string
		max int
	}{
		{&e.Actor, AuditActorMax}, {&e.Via, AuditShortMax}, {&e.Action, AuditShortMax},
		{&e.Resource, AuditResourceMax}, {&e.Method, AuditShortMax}, {&e.Path, AuditPathMax},
		{&e.Outcome, AuditShortMax}, {&e.RemoteAddr, AuditShortMax}, {&e.RequestID, AuditShortMax}, {&e.Detail, AuditDetailMax},
	} {
		*c.v = Truncate(StorableText(*c.v), c.max)
	}
}
