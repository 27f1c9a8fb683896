package experiment

// Status is an experiment's lifecycle state: DRAFT → RUNNING → COMPLETED | STOPPED.
type Status string

// The lifecycle states. COMPLETED and STOPPED are terminal.
const (
	StatusDraft     Status = "DRAFT"
	StatusRunning   Status = "RUNNING"
	StatusCompleted Status = "COMPLETED"
	StatusStopped   Status = "STOPPED"
)

// Valid reports whether s is one of the lifecycle states.
func (s Status) Valid() bool {
	switch s {
	case StatusDraft, StatusRunning, StatusCompleted, StatusStopped:
		return true
	}
	return false
}

// Terminal reports whether no action can leave s.
func (s Status) Terminal() bool { return s == StatusCompleted || s == StatusStopped }

// Action is something a user does to an experiment.
type Action string

// The actions. ActionRecord (recordExperimentObservations) does not change the state but needs RUNNING.
const (
	ActionStart    Action = "START"
	ActionStop     Action = "STOP"
	ActionComplete Action = "COMPLETE"
	ActionRecord   Action = "RECORD"
)

// transitions is the whole lifecycle: for each action, the one state it applies to and the state it leads to.
var transitions = map[Action]struct{ from, to Status }{
	ActionStart:    {StatusDraft, StatusRunning},
	ActionStop:     {StatusRunning, StatusStopped},
	ActionComplete: {StatusRunning, StatusCompleted},
	ActionRecord:   {StatusRunning, StatusRunning},
}

// Apply returns the state that action a leads to from state s, or a *StateError naming s when the action is
// not allowed there (including an unknown state or action).
func Apply(s Status, a Action) (Status, error) {
	t, ok := transitions[a]
	if !ok || s != t.from {
		return s, &StateError{Current: s, Action: a}
	}
	return t.to, nil
}

// Start moves a DRAFT experiment to RUNNING.
func Start(s Status) (Status, error) { return Apply(s, ActionStart) }

// Stop moves a RUNNING experiment to STOPPED (abandoned; no winner is recorded).
func Stop(s Status) (Status, error) { return Apply(s, ActionStop) }

// Complete moves a RUNNING experiment to COMPLETED.
func Complete(s Status) (Status, error) { return Apply(s, ActionComplete) }

// CanRecord returns nil when observations may be recorded in state s (only RUNNING), else a *StateError.
func CanRecord(s Status) error {
	_, err := Apply(s, ActionRecord)
	return err
}

func (a Action) verb() string {
	switch a {
	case ActionStart:
		return "start"
	case ActionStop:
		return "stop"
	case ActionComplete:
		return "complete"
	case ActionRecord:
		return "record observations for"
	}
	return "apply action " + string(a) + " to"
}

func (a Action) allowedFrom() string {
	if t, ok := transitions[a]; ok {
		return string(t.from)
	}
	return "never: unknown action"
}
