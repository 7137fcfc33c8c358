package sqlstore

// SetAuditScan sets how many of the newest entries FindAudit reads for a
// prefix filter before it asks the prefix's index, so a test pages across
// both ways with a few entries; it returns the restore.
func SetAuditScan(n int) (restore func()) {
	old := auditScan
	auditScan = n
	return func() { auditScan = old }
}
