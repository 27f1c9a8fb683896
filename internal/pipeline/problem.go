package pipeline

import "fmt"

// Code names a kind of validation problem.
type Code string

// Problem codes. Every problem is an ERROR except DEAD_END, a WARNING.
const (
	CodeTooLarge               Code = "PIPELINE_TOO_LARGE"       // more than MaxNodes nodes or MaxEdges edges
	CodeInvalidID              Code = "INVALID_ID"               // empty or longer than MaxIDLength
	CodeDuplicateNodeID        Code = "DUPLICATE_NODE_ID"        // two nodes share an id
	CodeDuplicateEdgeID        Code = "DUPLICATE_EDGE_ID"        // two edges share an id
	CodeDuplicateEdge          Code = "DUPLICATE_EDGE"           // two edges join the same ports
	CodeUnknownKind            Code = "UNKNOWN_KIND"             // kind is not one of the Kind constants
	CodeDanglingEdge           Code = "DANGLING_EDGE"            // an edge's source or target node does not exist
	CodeUnknownPort            Code = "UNKNOWN_PORT"             // an edge names a port its node does not have
	CodePortTypeMismatch       Code = "PORT_TYPE_MISMATCH"       // the source port's type is not accepted by the target port
	CodeMissingInputConnection Code = "MISSING_INPUT_CONNECTION" // a required input port has no edge
	CodeUnconnectedBranch      Code = "UNCONNECTED_BRANCH"       // a router branch leads nowhere
	CodeMissingInputNode       Code = "MISSING_INPUT_NODE"       // no INPUT node
	CodeMultipleInputNodes     Code = "MULTIPLE_INPUT_NODES"     // more than one INPUT node
	CodeMissingOutputNode      Code = "MISSING_OUTPUT_NODE"      // no OUTPUT node
	CodeCycle                  Code = "CYCLE"                    // a directed cycle; Path names it
	CodeUnreachableNode        Code = "UNREACHABLE_NODE"         // no path from the INPUT node
	CodeDeadEnd                Code = "DEAD_END"                 // WARNING: no path to an OUTPUT node (side effects only)
	CodeMissingConfig          Code = "MISSING_CONFIG"           // a node kind that needs a config has none
	CodeInvalidConfig          Code = "INVALID_CONFIG"           // a config value out of range, or a config for another kind
	CodeMissingModel           Code = "MISSING_MODEL"            // an LLM or EMBEDDING node names no model
	CodeUnknownModel           Code = "UNKNOWN_MODEL"            // the model is not in the catalog
	CodeModelModeMismatch      Code = "MODEL_MODE_MISMATCH"      // an embedding model in an LLM node or the reverse
	CodeRouterWeights          Code = "ROUTER_WEIGHTS"           // router weights do not sum to 1
)

// Severity says whether a problem makes the pipeline invalid.
type Severity string

// Severities.
const (
	SeverityError   Severity = "ERROR"
	SeverityWarning Severity = "WARNING"
)

// Problem is one thing wrong with a pipeline, with the ids of the nodes and edges involved.
type Problem struct {
	Code     Code     `json:"code"`
	Severity Severity `json:"severity"`
	Message  string   `json:"message"`
	NodeIDs  []string `json:"nodeIds,omitempty"`
	EdgeIDs  []string `json:"edgeIds,omitempty"`
	// Path is set for CYCLE: the node ids around the cycle, the first repeated at the end.
	Path []string `json:"path,omitempty"`
}

// HasErrors reports whether any problem is an ERROR, i.e. the pipeline is invalid and gets no cost.
func HasErrors(problems []Problem) bool {
	for _, p := range problems {
		if p.Severity == SeverityError {
			return true
		}
	}
	return false
}

type problems struct {
	list []Problem
}

func (ps *problems) add(code Code, nodeIDs, edgeIDs []string, format string, args ...any) {
	sev := SeverityError
	if code == CodeDeadEnd {
		sev = SeverityWarning
	}
	ps.list = append(ps.list, Problem{
		Code: code, Severity: sev, Message: fmt.Sprintf(format, args...), NodeIDs: nodeIDs, EdgeIDs: edgeIDs,
	})
}

func ids(s ...string) []string { return s }
