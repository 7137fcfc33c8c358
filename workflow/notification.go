package workflow

import (
	"time"

	"github.com/switchyard-io/switchyard"
)

// Notification is what the notifiers get for a Notify command: the news in
// English (notifiers render their own), the execution, the step and a link
// to the execution page.
func Notification(rec *switchyard.ExecutionRecord, w *switchyard.Workflow, now time.Time, n Notify, baseURL string) switchyard.Notification {
	out := switchyard.Notification{Key: n.Key, Time: now, Event: n.Event, ExecutionID: rec.ID, WorkflowID: rec.WorkflowID, ReleaseID: rec.ReleaseID,
		StepID: n.StepID, Outcome: n.Outcome, Message: Render(n.Message, "en")}
	if s := w.Step(n.StepID); s != nil {
		out.StepName = s.Name
	}
	if baseURL != "" {
		out.URL = baseURL + "/executions/" + rec.ID
	}
	return out
}
