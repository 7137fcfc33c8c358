// Package verify runs seed 003's verification tests, DiscoveryTool's
// automation console in switchyard: the traffic inspection
// (全链路自动化流量侦测测试) and the simulation (全链路自动化模拟流程测试).
//
// An inspection sends its samples through the real gateway with Nepxion's
// inspector (POST …/inspector/inspect, {"serviceIdList": […]} and the
// strategy's headers), reads every chain's segments and counts each hop by
// service@@version, live.
//
// A simulation runs DiscoveryTool's seven phases exactly (reset → basic →
// release-1 → reset → recreate basic → recreate release-2 → reset) on the
// rule key group/serviceId: every change goes through the release service's
// one publish path (audited, compiled with the data plane's compiler,
// recorded as an intent) as the system actor verify/group@@serviceId, the
// run waits until the instances following the key report the new version
// (their /healthz rule status) or the configured settle time passes, sends
// the samples and asserts what Nepxion asserts. One simulation per key runs
// at a time (the store refuses a second RUNNING one); the rule in effect
// before is recorded before anything changes and put back at the end —
// also when the run fails, is aborted, or its process died (the next
// process to start recovers it).
//
// The parsers here (Nepxion's 10-dash multi-part body, the conditions as
// .properties or YAML, the strategies through rule/releasedoc) refuse input
// beyond their budgets before building anything; see docs/verify.md.
package verify
