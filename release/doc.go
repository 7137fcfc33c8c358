// Package release is the release service of document 003: releases kept in
// the store, the release page's form turned into Nepxion's version-release
// document and rule, the four operations (执行兜底, 执行发布, 执行回滚,
// 结束发布) published through one path — compare-and-set write, read back,
// compensation on failure — the state machine, the lease lock and group
// permissions. People (API, console, CLI) and workflows use the same
// Service, so there is one publish path and one audit trail.
//
// What each operation publishes is documented in docs/releases.md.
package release
