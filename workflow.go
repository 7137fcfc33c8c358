package switchyard

import (
	"context"
	"encoding/json"
	"time"
)

// Template is what a workflow starts from (流程模板).
type Template string

// The templates of document 000.
const (
	TemplateBlueGreen Template = "BLUE_GREEN" // 蓝绿部署: the seed's drawing
	TemplateCanary    Template = "CANARY"     // 金丝雀: small steps with analysis
	TemplateRolling   Template = "ROLLING"    // 滚动: the new version replaces the old in batches
	TemplateCustom    Template = "CUSTOM"     // 自定义: starts empty
)

// StepType is what a step does. The seed's six types plus the nodes its
// drawing needs and what users of such a system expect.
type StepType string

// The step types; docs/workflows.md describes each one's config.
const (
	StepStart        StepType = "START"         // 开始
	StepEnd          StepType = "END"           // 结束
	StepPreCheck     StepType = "PRE_CHECK"     // 发布前检查
	StepDeploy       StepType = "DEPLOY"        // 部署到蓝环境: the new version's instances
	StepHealthCheck  StepType = "HEALTH_CHECK"  // 健康检查
	StepTest         StepType = "TEST"          // 自动化测试
	StepTrafficShift StepType = "TRAFFIC_SHIFT" // 流量切换
	StepMonitor      StepType = "MONITOR"       // 监控观察
	StepDecision     StepType = "DECISION"      // 异常?
	StepRollback     StepType = "ROLLBACK"      // 回滚
	StepOffline      StepType = "OFFLINE"       // 下线绿环境: the old version offline, the release ended
	StepReport       StepType = "REPORT"        // 发布报告
	StepApproval     StepType = "APPROVAL"      // 人工审批
	StepNotify       StepType = "NOTIFY"        // 发送通知
	StepWait         StepType = "WAIT"          // 等待
)

// StepTypes lists every step type, in the editor's palette order.
var StepTypes = []StepType{StepStart, StepPreCheck, StepDeploy, StepHealthCheck, StepTest, StepTrafficShift, StepMonitor, StepDecision,
	StepRollback, StepOffline, StepReport, StepApproval, StepNotify, StepWait, StepEnd}

// FailureAction is what happens when a step fails (失败处理).
type FailureAction string

// The failure actions.
const (
	OnFailureRollback FailureAction = "ROLLBACK" // 自动回滚: all traffic back to the old versions; the execution ends ROLLED_BACK
	OnFailurePause    FailureAction = "PAUSE"    // 暂停: wait for a person to retry, skip, roll back or abort
	OnFailureFail     FailureAction = "FAIL"     // 失败: the execution ends FAILED (traffic stays where it is)
	OnFailureRetry    FailureAction = "RETRY"    // 重试: run the step again, up to Retries times with backoff, then Then
	OnFailureIgnore   FailureAction = "IGNORE"   // 忽略: mark it failed and go on
)

// FailurePolicy says what a failed or timed-out step does.
type FailurePolicy struct {
	Action FailureAction `json:"action" enum:"ROLLBACK,PAUSE,FAIL,RETRY,IGNORE"`
	// Retries and Backoff apply to RETRY: the step runs again up to Retries
	// times, the first after Backoff, doubling each time (at most 10 min).
	Retries int    `json:"retries,omitempty"`
	Backoff string `json:"backoff,omitempty" doc:"a Go duration such as 10s; default 5s"`
	// Then is what happens when the retries are used up (default PAUSE).
	Then FailureAction `json:"then,omitempty" enum:",ROLLBACK,PAUSE,FAIL,IGNORE"`
}

// The preconditions a step may require (前置条件), besides "step:<id>" (that
// earlier step completed).
const (
	PreconditionHealthy = "HEALTH_CHECK_PASSED" // 健康检查通过: the last health check passed
	PreconditionTested  = "TEST_PASSED"         // 自动化测试通过: the last test passed
)

// The post-actions a step may run after it ends (后置动作).
const (
	PostActionNotify = "NOTIFY" // 发送通知: every configured notifier hears the outcome
	PostActionLog    = "LOG"    // 记录日志: the outcome goes to the execution log
)

// Step is one node of a workflow: the seed's contract
// {id, name, type, config, preconditions, postActions, timeout}, plus the
// failure policy the editor's 失败处理 sets.
type Step struct {
	ID   string   `json:"id"`
	Name string   `json:"name"`
	Type StepType `json:"type" enum:"START,END,PRE_CHECK,DEPLOY,HEALTH_CHECK,TEST,TRAFFIC_SHIFT,MONITOR,DECISION,ROLLBACK,OFFLINE,REPORT,APPROVAL,NOTIFY,WAIT"`
	// Config is the type's own settings (docs/workflows.md).
	Config        json.RawMessage `json:"config,omitempty"`
	Preconditions []string        `json:"preconditions"`
	PostActions   []string        `json:"postActions"`
	// Timeout is in minutes (超时时间, fractions allowed); 0 means none.
	Timeout   float64        `json:"timeout"`
	OnFailure *FailurePolicy `json:"onFailure,omitempty" doc:"default: ROLLBACK for traffic and monitor steps, PAUSE otherwise"`
	// OnTimeout is what a timed-out step does; default its OnFailure.
	OnTimeout *FailurePolicy `json:"onTimeout,omitempty"`
}

// Edge leads from one step to the next. A DECISION's edges carry When
// "yes" (异常: the anomaly branch) and "no"; an edge back to an earlier step
// (the rollback edge of the seed's drawing) carries a bound on how often it
// may be taken.
type Edge struct {
	From string `json:"from"`
	To   string `json:"to"`
	When string `json:"when,omitempty" enum:",yes,no" doc:"only on a DECISION's edges"`
	// MaxTraversals bounds how often an edge that closes a loop (leads back
	// to an earlier step) is taken in one execution: such an edge must say
	// it (0: drawn but never taken). Past it the edge is not taken; a
	// ROLLBACK without another way on ends the execution ROLLED_BACK.
	MaxTraversals *int `json:"maxTraversals,omitempty"`
}

// Workflow is a release's automation (document 000's ReleaseWorkflow): its
// steps and edges. Every save is a new Version; an execution pins the
// version it runs.
type Workflow struct {
	ID        string   `json:"id" doc:"WF-001, WF-002, …"`
	ReleaseID string   `json:"releaseId" doc:"the release (of the release table) the workflow operates"`
	Name      string   `json:"name"`
	Template  Template `json:"template" enum:"BLUE_GREEN,CANARY,ROLLING,CUSTOM"`
	Steps     []Step   `json:"steps"`
	Edges     []Edge   `json:"edges"`
	// Version grows with every save; send it back on update.
	Version   int       `json:"version"`
	CreatedAt time.Time `json:"createdAt"`
	CreatedBy string    `json:"createdBy"`
	UpdatedAt time.Time `json:"updatedAt"`
	UpdatedBy string    `json:"updatedBy"`
}

// Step returns the step with id, or nil.
func (w *Workflow) Step(id string) *Step {
	for i := range w.Steps {
		if w.Steps[i].ID == id {
			return &w.Steps[i]
		}
	}
	return nil
}

// WorkflowVersion is one saved version of a workflow.
type WorkflowVersion struct {
	Version  int       `json:"version"`
	SavedAt  time.Time `json:"savedAt"`
	SavedBy  string    `json:"savedBy"`
	Workflow *Workflow `json:"workflow,omitempty"`
}

// WorkflowFilter narrows FindWorkflows.
type WorkflowFilter struct {
	ReleaseID string
}

// WorkflowStore keeps workflows and every saved version.
type WorkflowStore interface {
	// CreateWorkflow stores w as version 1 with the next WF-NNN id (set on
	// w); CodeNotFound if its release does not exist.
	CreateWorkflow(ctx context.Context, w *Workflow) error
	// UpdateWorkflow stores w as version w.Version+1 if the current
	// version is w.Version (CodeConflict otherwise) and sets w.Version.
	UpdateWorkflow(ctx context.Context, w *Workflow) error
	// FindWorkflow returns the current version; CodeNotFound if none.
	FindWorkflow(ctx context.Context, id string) (*Workflow, error)
	// FindWorkflowVersion returns one saved version.
	FindWorkflowVersion(ctx context.Context, id string, version int) (*Workflow, error)
	// WorkflowVersions lists the saved versions, newest first (without
	// their definitions).
	WorkflowVersions(ctx context.Context, id string) ([]*WorkflowVersion, error)
	// FindWorkflows lists the current versions, newest first.
	FindWorkflows(ctx context.Context, f WorkflowFilter) ([]*Workflow, error)
	// DeleteWorkflow removes a workflow and its versions; CodeConflict if
	// an execution of it is not finished.
	DeleteWorkflow(ctx context.Context, id string) error
}
