package workflow

import (
	"strings"

	"github.com/switchyard-io/switchyard"
)

// Execution logs, step summaries and reasons are stored as a message key
// with parameters and rendered in the reader's language when read (the API
// takes Accept-Language or lang=; the CLI sends its locale). catalog holds
// every key in English and in 简体中文; TestCatalogComplete keeps both full
// and their placeholders equal. The seed's own lines (开始流量切换至50%,
// 流量切换至40%, 流量切换完成，开始监控观察) are kept word for word.
var catalog = map[string][2]string{ // key → {en, zh}
	// execution
	"exec.started":        {"Execution started by {by} (workflow {workflow} version {version})", "{by} 启动了执行（流程 {workflow} 版本 {version}）"},
	"exec.completed":      {"Execution completed", "执行完成"},
	"exec.failed":         {"Execution failed: {cause}", "执行失败：{cause}"},
	"exec.rolled_back":    {"Execution rolled back: {cause}", "执行已回滚：{cause}"},
	"exec.aborted":        {"Execution aborted by {by}", "{by} 终止了执行"},
	"exec.paused":         {"Paused by {by}", "{by} 暂停了执行"},
	"exec.paused.failure": {"Paused after step {step} failed: {cause}; retry, skip, roll back or abort", "步骤{step}失败后已暂停：{cause}；可重试、跳过、回滚或终止"},
	"exec.resumed":        {"Resumed by {by}", "{by} 继续了执行"},
	"exec.loop":           {"The execution entered more than {max} steps; it stops so a loop cannot run for ever", "执行进入的步骤超过 {max} 个，为防止无限循环已停止"},
	// signals
	"signal.retry":          {"{by} retries step {step}", "{by} 重试步骤{step}"},
	"signal.skip":           {"{by} skipped step {step}", "{by} 跳过了步骤{step}"},
	"signal.rollback":       {"{by} rolls the release back", "{by} 执行回滚"},
	"signal.approve":        {"{by} approved step {step}", "{by} 批准了步骤{step}"},
	"signal.reject":         {"{by} rejected step {step}", "{by} 驳回了步骤{step}"},
	"offline.not_full":      {"the new version has {traffic}% of the traffic: shift it to 100% before taking the old version offline", "新版本只承载 {traffic}% 的流量：请先切换到 100%，再下线旧版本"},
	"test.command.disabled": {"TEST commands are off on this server (workflow.allow_commands)", "本服务器未开启 TEST 命令（workflow.allow_commands）"},
	"notify.failed":         {"Notifier {notifier} failed: {detail}", "通知 {notifier} 发送失败：{detail}"},
	// refusals of signals
	"refuse.finished":       {"the execution is {status}: it has ended", "执行已结束（{status}）"},
	"refuse.not_running":    {"the execution is {status}, not running", "执行当前为 {status}，不在运行中"},
	"refuse.not_paused":     {"the execution is {status}, not paused", "执行当前为 {status}，未暂停"},
	"refuse.rolling_back":   {"the execution is rolling back", "执行正在回滚"},
	"refuse.nothing_failed": {"no step has failed: there is nothing to retry", "没有失败的步骤，无需重试"},
	"refuse.not_skippable":  {"the current step cannot be skipped now", "当前步骤现在不能跳过"},
	"refuse.no_approval":    {"no step waits for an approval", "没有等待审批的步骤"},
	"refuse.other_step":     {"step {step} is not the current step", "步骤 {step} 不是当前步骤"},
	// steps
	"step.started":      {"Step {step} started", "开始{step}"},
	"step.completed":    {"Step {step} completed: {summary}", "{step}完成：{summary}"},
	"step.failed":       {"Step {step} failed: {cause}", "{step}失败：{cause}"},
	"step.skipped":      {"Step {step} skipped", "已跳过{step}"},
	"step.timeout":      {"Step {step} timed out after {minutes} min", "{step}超时（{minutes} 分钟）"},
	"step.retrying":     {"Step {step} failed ({cause}); retry {attempt} of {retries} in {wait}", "{step}失败（{cause}）；{wait}后第 {attempt}/{retries} 次重试"},
	"step.precondition": {"Step {step} cannot start: precondition {precondition} is not met", "{step}无法开始：前置条件“{precondition}”未满足"},
	"step.ignored":      {"Step {step} failed ({cause}); ignored, going on", "{step}失败（{cause}）；已忽略，继续执行"},
	"decision.yes":      {"{step}: anomaly found by {from}; taking the 是 (yes) branch", "{step}：{from}发现异常，走“是”分支"},
	"decision.no":       {"{step}: no anomaly; taking the 否 (no) branch", "{step}：未发现异常，走“否”分支"},
	"loop.exhausted":    {"The edge back to {step} was taken {max} times; it is not taken again", "返回{step}的连线已走过 {max} 次，不再返回"},
	"post.log":          {"Step {step} ended {outcome}", "{step}结束：{outcome}"},
	// summaries (the execution page's 通过 / 成功 / 正常)
	"summary.passed":    {"passed", "通过"},
	"summary.succeeded": {"succeeded", "成功"},
	"summary.normal":    {"normal", "正常"},
	"summary.anomaly":   {"anomaly: {detail}", "异常：{detail}"},
	"summary.failed":    {"failed: {cause}", "失败：{cause}"},
	"summary.skipped":   {"skipped", "已跳过"},
	"summary.approved":  {"approved by {by}", "{by} 已批准"},
	// reasons
	"reason.rejected":  {"rejected by {by}{comment}", "{by} 驳回{comment}"},
	"reason.timeout":   {"timed out after {minutes} min", "超时（{minutes} 分钟）"},
	"reason.by":        {"requested by {by}", "{by} 发起"},
	"reason.step":      {"step {failedStep} failed: {detail}", "步骤{failedStep}失败：{detail}"},
	"reason.rollback":  {"the rollback failed: {detail}", "回滚失败：{detail}"},
	"reason.internal":  {"{detail}", "{detail}"},
	"rollback.started": {"Rolling back: all traffic to the old versions ({cause})", "开始回滚：全部流量切回旧版本（{cause}）"},
	"rollback.done":    {"Rolled back: the release is at {state}, config version {version}", "回滚完成：发布状态 {state}，配置版本 {version}"},

	// step activities (step_*.go)
	"step.no_services": {"the release lists no services and the step names none", "发布未包含服务，步骤也未指定服务"},
	// TRAFFIC_SHIFT: the seed's lines word for word
	"shift.start":        {"Shifting traffic to {to}%", "开始流量切换至{to}%"},
	"shift.move":         {"Traffic shifted to {weight}%", "流量切换至{weight}%"},
	"shift.done.monitor": {"Traffic shift complete; monitoring starts", "流量切换完成，开始监控观察"},
	"shift.done":         {"Traffic shift complete at {weight}%", "流量切换完成，当前{weight}%"},
	"shift.weight":       {"the step's weight must be an integer from 0 to 100", "切换比例必须是 0 到 100 的整数"},
	"shift.failed":       {"publishing {weight}% to the new version failed: {detail}", "流量切换至{weight}%失败：{detail}"},
	// ROLLBACK
	"rollback.already": {"Nothing to roll back: the release is already at {state} (config version {version})", "无需回滚：发布已处于 {state}（配置版本 {version}）"},
	"rollback.ended":   {"the release is {state}: there is nothing left to roll back", "发布已是 {state}，无法回滚"},
	"rollback.failed":  {"rolling back failed: {detail}", "执行回滚失败：{detail}"},
	// DEPLOY
	"deploy.service":     {"{service} {version}: {running} instance(s) running, {started} started now", "{service} {version}：{running} 个实例运行中，本次启动 {started} 个"},
	"deploy.pinned":      {"Traffic pinned to the old versions before the new one starts: released at 0% to it (config version {version})", "新版本启动前先把流量固定在旧版本：执行发布，新版本权重 0%（配置版本 {version}）"},
	"deploy.pin_skipped": {"Traffic not pinned: {service} has no instance online yet, so there is no old chain to keep", "未固定流量：{service} 尚无在线实例，没有需要保持的旧链路"},
	"deploy.pin_failed":  {"pinning the traffic to the old versions failed: {detail}", "把流量固定在旧版本失败：{detail}"},
	"deploy.failed":      {"deploying {service} {version} failed: {detail}", "部署 {service} {version} 失败：{detail}"},
	"deploy.no_deployer": {"no deployer named {deployer} is configured (the local-process one is set up by deploy.process in the server's configuration)", "未配置名为 {deployer} 的部署器（本机进程部署器在服务器配置的 deploy.process 中设置）"},
	"deploy.no_version":  {"the step names no version to deploy", "步骤未指定要部署的版本"},
	// HEALTH_CHECK
	"health.picture":    {"{service} {version}: {registered} of {want} instance(s) registered, {healthy} answering {path}", "{service} {version}：已注册 {registered}/{want} 个实例，{healthy} 个 {path} 检查通过"},
	"health.registry":   {"{service}: the registry could not be read: {detail}", "{service}：无法读取注册中心：{detail}"},
	"health.timeout":    {"the new instances were not healthy within {minutes} min: {detail}", "新实例 {minutes} 分钟内未通过健康检查：{detail}"},
	"health.no_version": {"no version to check: set version in the step, or deploy one with a DEPLOY step first", "没有要检查的版本：请在步骤中设置版本，或先执行部署步骤"},
	// TEST
	"test.passed":         {"Inspection: {requests} requests through {url}, every hop on the expected versions ({versions})", "流量侦测：经 {url} 发送 {requests} 个请求，每一跳均为预期版本（{versions}）"},
	"test.mismatch":       {"{mismatches} of {requests} requests left the expected versions; the first: {service} answered from {got}, expected {expected}", "{requests} 个请求中有 {mismatches} 个未走预期版本；首个：{service} 实际版本 {got}，预期 {expected}"},
	"test.request":        {"{failures} of {requests} requests to {url} failed; the first: {detail}", "发往 {url} 的 {requests} 个请求中有 {failures} 个失败；首个：{detail}"},
	"test.no_hops":        {"the answers from {url} name none of the release's services, so no hop could be checked", "{url} 的响应中没有本次发布的任何服务，无法检查"},
	"test.no_gateway":     {"no gateway to test through: set gateway in the step, or have an instance of the entry app {app} online", "没有可用于测试的网关：请在步骤中设置 gateway，或确保入口应用 {app} 有在线实例"},
	"test.no_version":     {"{service} has no {expect} version online to test", "{service} 没有可测试的在线版本（{expect}）"},
	"test.versions":       {"the versions to test could not be read: {detail}", "无法读取要测试的版本：{detail}"},
	"test.nothing":        {"the test has nothing to do: expect is none and no command is set", "测试没有内容：expect 为 none 且未设置命令"},
	"test.command.passed": {"Command {command} passed", "命令 {command} 执行通过"},
	"test.command.failed": {"command {command} failed: {detail}", "命令 {command} 执行失败：{detail}"},
	// MONITOR: each measurement, each breach ({metric} and {baseline} are messages)
	"monitor.measured": {"Measurement {n}/{count}: new version {blueRate}% success, {blueAvg} ms average, p99 {blueP99} ms, {blueRequests} requests; old version {greenRate}% success, {greenAvg} ms average, {greenRequests} requests: {verdict}",
		"第 {n}/{count} 次测量：新版本成功率 {blueRate}%，平均响应时间 {blueAvg}ms，P99 {blueP99}ms，{blueRequests} 个请求；旧版本成功率 {greenRate}%，平均响应时间 {greenAvg}ms，{greenRequests} 个请求：{verdict}"},
	"monitor.measure.error":        {"Measurement {n}/{count}: the metrics could not be read: {detail}", "第 {n}/{count} 次测量：无法读取监控指标：{detail}"},
	"monitor.breach.min":           {"{metric} {value} is below the threshold {threshold} (old version {baseline}, {requests} requests sampled)", "{metric} {value} 低于阈值 {threshold}（旧版本 {baseline}，样本 {requests} 个请求）"},
	"monitor.breach.max":           {"{metric} {value} is above the threshold {threshold} (old version {baseline}, {requests} requests sampled)", "{metric} {value} 高于阈值 {threshold}（旧版本 {baseline}，样本 {requests} 个请求）"},
	"monitor.breach.below":         {"{metric} {value} is more than {threshold} points below the old version's {baseline} ({requests} requests sampled)", "{metric} {value} 比旧版本 {baseline} 低 {threshold} 个百分点以上（样本 {requests} 个请求）"},
	"monitor.breach.above":         {"{metric} {value} is more than {threshold} above the old version's {baseline} ({requests} requests sampled)", "{metric} {value} 比旧版本 {baseline} 高出 {threshold} 以上（样本 {requests} 个请求）"},
	"monitor.breach.ratio":         {"{metric} {value} is more than {threshold} times the old version's {baseline} ({requests} requests sampled)", "{metric} {value} 超过旧版本 {baseline} 的 {threshold} 倍（样本 {requests} 个请求）"},
	"monitor.nobaseline":           {"no data", "无数据"},
	"monitor.verdict.inconclusive": {"inconclusive: {requests} requests of the new version, at least {min} needed", "无法判断：新版本仅 {requests} 个请求，至少需要 {min} 个"},
	"monitor.failed":               {"{failed} measurements failed, more than the limit {limit}; the last: {breach}", "{failed} 次测量异常，超过上限 {limit}；最近一次：{breach}"},
	"monitor.inconclusive":         {"{inconclusive} measurements were inconclusive, more than the limit {limit}; the last: {detail}", "{inconclusive} 次测量无法判断，超过上限 {limit}；最近一次：{detail}"},
	"monitor.nodata":               {"none of the {count} measurements had enough data to judge the new version", "{count} 次测量均没有足够数据判断新版本"},
	"monitor.errors":               {"the metrics could not be read {errors} times in a row, more than the limit {limit}: {detail}", "连续 {errors} 次无法读取监控指标，超过上限 {limit}：{detail}"},
	"monitor.no_metrics":           {"no metrics provider is configured", "未配置监控指标来源"},
	"metric.successRate":           {"success rate", "成功率"},
	"metric.avgLatency":            {"average response time", "平均响应时间"},
	"metric.p99Latency":            {"p99 response time", "P99 响应时间"},
	"metric.errors":                {"errors", "错误数"},
	"metric.cpu":                   {"CPU", "CPU使用率"},
	"metric.memory":                {"memory", "内存使用"},
	// OFFLINE
	"offline.stopping":    {"Taking {service} {versions} offline", "下线 {service} {versions}"},
	"offline.waiting":     {"Waiting for {count} instance(s) of the old versions to leave the registry", "等待旧版本的 {count} 个实例从注册中心下线"},
	"offline.ended":       {"Release ended (结束发布): config version {version}", "结束发布：配置版本 {version}"},
	"offline.end.skipped": {"The release was never published; there is nothing to end", "发布从未执行，无需结束发布"},
	"offline.end_failed":  {"ending the release failed: {detail}", "结束发布失败：{detail}"},
	"offline.failed":      {"taking {service} {version} offline failed: {detail}", "下线 {service} {version} 失败：{detail}"},
	"offline.no_new":      {"the new version is not known (no DEPLOY step completed): set version to the old version to take offline", "未知新版本（没有完成的部署步骤）：请在步骤中设置要下线的旧版本"},
	"offline.is_new":      {"version {version} is the new version; it is not taken offline", "版本 {version} 是新版本，不能下线"},
	"offline.new_missing": {"{service} has no instance of the new version {version} online; its other versions stay", "{service} 没有新版本 {version} 的在线实例，其他版本不下线"},
	"offline.last":        {"{service} would have no version online after taking {versions} offline", "下线 {versions} 后 {service} 将没有在线版本"},
	"offline.versions":    {"the online versions could not be read: {detail}", "无法读取在线版本：{detail}"},
	"offline.timeout":     {"the old instances were still registered after {minutes} min: {instances}", "{minutes} 分钟后旧版本实例仍在注册中心：{instances}"},
	// PRE_CHECK: the checks, and what they found
	"precheck.release":     {"the release exists and has not ended", "发布存在且未结束"},
	"precheck.services":    {"the release lists its services", "发布包含参与的服务"},
	"precheck.instances":   {"every service has an instance online", "每个服务都有在线实例"},
	"precheck.rule":        {"the rule at {key} can be read", "{key} 的规则可以读取"},
	"precheck.lock":        {"the release's lock is free or held by this execution", "发布锁空闲或由本执行持有"},
	"precheck.failed":      {"pre-release check failed: {check}: {detail}", "发布前检查未通过：{check}：{detail}"},
	"precheck.ended":       {"the release has ended", "发布已结束"},
	"precheck.no_services": {"no services are listed", "未列出任何服务"},
	"precheck.offline":     {"{service} has no instance online", "{service} 没有在线实例"},
	"precheck.locked":      {"{holder} holds the lock until {until}", "{holder} 持有发布锁至 {until}"},
	// APPROVAL, REPORT, NOTIFY
	"approval.waiting":   {"Waiting for approval by {approvers}", "等待 {approvers} 审批"},
	"approval.anyone":    {"members of group {group}", "{group} 组成员"},
	"approval.requested": {"Step {step} of release {release} waits for approval by {approvers}", "发布 {release} 的步骤{step}等待 {approvers} 审批"},
	"report.done":        {"Release report: {completed} of {total} steps completed, {failed} failed; the new version has {traffic}% of the traffic", "发布报告：{total} 个步骤中 {completed} 个完成，{failed} 个失败；新版本流量 {traffic}%"},
	"notify.default":     {"Release {release} (execution {execution}) reached step {step}; the new version has {traffic}% of the traffic", "发布 {release}（执行 {execution}）已到达步骤{step}，新版本流量 {traffic}%"},
	"notify.step":        {"Notifying: {message}", "发送通知：{message}"},
	"notify.text":        {"{text}", "{text}"},
}

// Msg makes a message of key with params, rendered in English.
func Msg(key string, params ...string) *switchyard.Message {
	m := &switchyard.Message{Key: key}
	if len(params) > 0 {
		m.Params = map[string]string{}
		for i := 0; i+1 < len(params); i += 2 {
			m.Params[params[i]] = params[i+1]
		}
	}
	m.Text = Render(m, "en")
	return m
}

// Nest makes a message of key whose parameter slot is the message inner,
// rendered in the same language as the outer one.
func Nest(key, slot string, inner *switchyard.Message, params ...string) *switchyard.Message {
	m := Msg(key, params...)
	if inner != nil {
		m.Nested = map[string]*switchyard.Message{slot: inner}
		m.Text = Render(m, "en")
	}
	return m
}

// Render renders m in lang ("zh…" for 简体中文, anything else English); an
// unknown key renders its stored English text.
func Render(m *switchyard.Message, lang string) string {
	return render(m, lang, 0)
}

func render(m *switchyard.Message, lang string, depth int) string {
	if m == nil {
		return ""
	}
	t, ok := catalog[m.Key]
	if !ok {
		if m.Text != "" {
			return m.Text
		}
		return m.Key
	}
	out := t[0]
	if zh(lang) {
		out = t[1]
	}
	for k, v := range m.Params {
		out = strings.ReplaceAll(out, "{"+k+"}", v)
	}
	for k, v := range m.Nested {
		text := ""
		if depth < 8 {
			text = render(v, lang, depth+1)
		}
		out = strings.ReplaceAll(out, "{"+k+"}", text)
	}
	return out
}

// Lang picks the language of an Accept-Language header or lang= value.
func Lang(accept string) string {
	for _, part := range strings.Split(accept, ",") {
		tag := strings.ToLower(strings.TrimSpace(strings.SplitN(part, ";", 2)[0]))
		switch {
		case strings.HasPrefix(tag, "zh"):
			return "zh"
		case strings.HasPrefix(tag, "en"):
			return "en"
		}
	}
	return "en"
}

func zh(lang string) bool { return strings.HasPrefix(strings.ToLower(lang), "zh") }
