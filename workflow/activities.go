package workflow

import (
	"context"
	"encoding/json"
	"net/http"
	"time"

	"github.com/switchyard-io/switchyard"
)

// Activities is every step type's activity (START, END and DECISION are the
// engine's own and have none): one file per type, step_*.go.
func Activities() map[switchyard.StepType]Activity {
	return map[switchyard.StepType]Activity{
		switchyard.StepPreCheck:     ActivityFunc(preCheck),
		switchyard.StepDeploy:       ActivityFunc(deploy),
		switchyard.StepHealthCheck:  ActivityFunc(healthCheck),
		switchyard.StepTest:         ActivityFunc(inspect),
		switchyard.StepTrafficShift: ActivityFunc(shift),
		switchyard.StepMonitor:      ActivityFunc(monitor),
		switchyard.StepRollback:     ActivityFunc(rollback),
		switchyard.StepOffline:      ActivityFunc(offline),
		switchyard.StepReport:       ActivityFunc(report),
		switchyard.StepApproval:     ActivityFunc(approval),
		switchyard.StepNotify:       ActivityFunc(notifyStep),
		switchyard.StepWait:         ActivityFunc(wait),
	}
}

// What the activities share.

// instancesCap is how long HEALTH_CHECK and OFFLINE wait for the registry
// when their step has no timeout of its own.
const instancesCap = 5 * time.Minute

// releaseNow reads the release as it is now: t.Release is read once per
// advance and is stale after a publish made earlier in the same advance.
func releaseNow(ctx context.Context, t *Tick) (*switchyard.Release, error) {
	return t.Env.Releases.Store.FindRelease(ctx, t.Release.Name)
}

// servicesOf is the services a step acts on: its config's, else the
// release's.
func servicesOf(t *Tick, configured []string) []string {
	if len(configured) > 0 {
		return configured
	}
	return t.Release.Spec.Services
}

// deployed returns the version the last completed DEPLOY step brought up
// and the services it deployed ("" and nil when none completed).
func deployed(t *Tick) (version string, services []string) {
	var last *time.Time
	for i := range t.Workflow.Steps {
		s := &t.Workflow.Steps[i]
		ss := t.State.Steps[s.ID]
		if s.Type != switchyard.StepDeploy || ss == nil || ss.Status != switchyard.StepCompleted || len(ss.Result) == 0 {
			continue
		}
		if last != nil && ss.Ended != nil && ss.Ended.Before(*last) {
			continue
		}
		var r deployResult
		if json.Unmarshal(ss.Result, &r) != nil || r.Version == "" {
			continue
		}
		version, services, last = r.Version, nil, ss.Ended
		for _, st := range r.Services {
			services = append(services, st.Service)
		}
	}
	return version, services
}

// withRecords returns o with recs before its own records: lines logged
// before the outcome was known come first.
func withRecords(o Outcome, recs []Record) Outcome {
	o.Records = append(recs, o.Records...)
	return o
}

// logRec is a log record of step id.
func logRec(stepID, level string, msg *switchyard.Message) Record {
	return Record{Kind: "log", Data: LogRecord{Message: msg, StepID: stepID, Level: level}}
}

// msgWith makes a message of key whose slots named in nested are messages.
func msgWith(key string, nested map[string]*switchyard.Message, params ...string) *switchyard.Message {
	m := Msg(key, params...)
	if len(nested) > 0 {
		m.Nested = nested
		m.Text = Render(m, "en")
	}
	return m
}

// errDetail is the message of an error from a port, for a reason.
func errDetail(err error) string { return err.Error() }

// httpClient is the client probes and test requests use.
func httpClient(t *Tick) *http.Client {
	if t.Env.HTTP != nil {
		return t.Env.HTTP
	}
	return http.DefaultClient
}

// farFuture is the wait of a step only a signal moves on (an approval).
const farFuture = 10 * 365 * 24 * time.Hour

func ptr[T any](v T) *T { return &v }
