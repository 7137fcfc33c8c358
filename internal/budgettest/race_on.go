//go:build race

package budgettest

// raceFactor scales the time budget under the race detector, which slows
// parsing three to ten times (ParseXML of 108k elements: ~25 ms, 108 ms
// under -race on a busy machine). The budget catches super-linear blowups
// (the originals took seconds to minutes); `make test-go` also runs the
// budget tests without -race, where the budget is the plain 100 ms.
const raceFactor = 4
