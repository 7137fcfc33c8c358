package verify

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/switchyard-io/switchyard"
)

// settlePoll is how often the instances are asked whether they applied a
// rule (a variable for tests).
var settlePoll = 20 * time.Millisecond

// keyStatus is what an instance's /healthz says of one rule key (the
// gateway's and the demo services' rule status).
type keyStatus struct {
	Key          switchyard.ConfigKey `json:"key"`
	Version      int64                `json:"version"`
	Error        string               `json:"error"`
	ErrorVersion int64                `json:"errorVersion"`
}

type healthAnswer struct {
	Rule *struct {
		Partial keyStatus `json:"partial"`
		Global  keyStatus `json:"global"`
	} `json:"rule"`
}

// settle waits until every instance following key reports version (its
// /healthz rule status), for at most await: DiscoveryTool sleeps
// testcase.console.operation.await.time after every console call; this
// waits only as long as the instances take. Instances that do not report a
// rule status are waited for the whole await time. An instance that
// refused the version is an error. tick is called between polls (the
// run's lease). It returns how the change was waited for.
func (s *Service) settle(ctx context.Context, key switchyard.ConfigKey, version int64, await time.Duration, tick func()) (string, error) {
	start := time.Now()
	followers, err := s.followers(ctx, key)
	if err != nil {
		return "", err
	}
	if len(followers) == 0 {
		if err := sleep(ctx, await); err != nil {
			return "", err
		}
		return fmt.Sprintf("no instance follows %s; waited %d ms", key, await.Milliseconds()), nil
	}
	pending := map[string]*switchyard.Instance{}
	for _, in := range followers {
		pending[in.Address()] = in
	}
	var confirmed, silent []string
	deadline := start.Add(await)
	for {
		for addr, in := range pending {
			st, ok := s.ruleStatus(ctx, in, key)
			switch {
			case !ok:
				silent = append(silent, in.Service+"@"+addr)
				delete(pending, addr)
			case st.Version >= version:
				confirmed = append(confirmed, in.Service+"@"+addr)
				delete(pending, addr)
			case st.ErrorVersion >= version && st.Error != "":
				return "", switchyard.Errorf(switchyard.CodeInvalid, "%s at %s refused version %d of %s: %s", in.Service, addr, version, key, st.Error).
					WithReason("verify.rule.refused", map[string]string{"instance": addr, "key": key.String()})
			}
		}
		if len(pending) == 0 || !time.Now().Before(deadline) {
			break
		}
		tick()
		if err := sleep(ctx, settlePoll); err != nil {
			return "", err
		}
	}
	took := time.Since(start).Milliseconds()
	msg := fmt.Sprintf("version %d applied by %s in %d ms", version, strings.Join(confirmed, ", "), took)
	if len(confirmed) == 0 {
		msg = fmt.Sprintf("version %d", version)
	}
	if len(pending) > 0 {
		var late []string
		for addr, in := range pending {
			late = append(late, in.Service+"@"+addr)
		}
		msg += fmt.Sprintf("; not reported by %s within %d ms", strings.Join(late, ", "), await.Milliseconds())
	}
	if len(silent) > 0 {
		if err := sleep(ctx, time.Until(deadline)); err != nil {
			return "", err
		}
		msg += fmt.Sprintf("; %s report no rule status: waited %d ms", strings.Join(silent, ", "), await.Milliseconds())
	}
	return msg, nil
}

// followers are the instances that apply the rule at key: the app's for a
// partial key, the whole group's for the global key (group, group).
func (s *Service) followers(ctx context.Context, key switchyard.ConfigKey) ([]*switchyard.Instance, error) {
	if key.DataID != key.Group {
		list, err := s.Registry.Instances(ctx, key.DataID)
		if err != nil {
			return nil, switchyard.Errorf(switchyard.CodeUnavailable, "cannot read the instances of %s: %v", key.DataID, err).WithCause(err)
		}
		return list, nil
	}
	all, err := s.Registry.All(ctx)
	if err != nil {
		return nil, switchyard.Errorf(switchyard.CodeUnavailable, "cannot read the registry: %v", err).WithCause(err)
	}
	var out []*switchyard.Instance
	for _, in := range all {
		if in.Group == key.Group {
			out = append(out, in)
		}
	}
	return out, nil
}

// ruleStatus asks an instance what it applied at key; ok is false when it
// does not answer with a rule status for key.
func (s *Service) ruleStatus(ctx context.Context, in *switchyard.Instance, key switchyard.ConfigKey) (keyStatus, bool) {
	ctx, cancel := context.WithTimeout(ctx, healthTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+in.Address()+"/healthz", nil)
	if err != nil {
		return keyStatus{}, false
	}
	resp, err := s.client().Do(req)
	if err != nil {
		return keyStatus{}, false
	}
	defer resp.Body.Close()
	var h healthAnswer
	if json.NewDecoder(io.LimitReader(resp.Body, 1<<16)).Decode(&h) != nil || h.Rule == nil {
		return keyStatus{}, false
	}
	for _, k := range []keyStatus{h.Rule.Partial, h.Rule.Global} {
		if k.Key == key {
			return k, true
		}
	}
	return keyStatus{}, false
}

// sleep waits d or until ctx ends.
func sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
