package pipeline

// PortType is the kind of data a port carries.
type PortType string

// Port types (docs/engines/pipeline.md, "Input").
const (
	PortText      PortType = "TEXT"      // a plain string
	PortMessages  PortType = "MESSAGES"  // a chat message list
	PortDocuments PortType = "DOCUMENTS" // a list of retrieved documents
	PortEmbedding PortType = "EMBEDDING" // a vector
	PortJSON      PortType = "JSON"      // a structured value
	PortAny       PortType = "ANY"       // any of the above, known only at run time
)

// conversions lists the implicit conversions from one port type to another (text↔messages as in the
// ChatMessage↔str conversions of Haystack's connection type check, haystack/core/type_utils.py):
// a text becomes one user message, a message list its last message's text, a JSON value its serialisation.
var conversions = map[PortType][]PortType{
	PortText:     {PortMessages},
	PortMessages: {PortText},
	PortJSON:     {PortText},
}

// Compatible reports whether data of type out may flow into an input port of type in: the same type, an
// ANY on either side (ANY output is checked at run time), or an implicit conversion listed in the table.
func Compatible(out, in PortType) bool {
	if out == in || in == PortAny || out == PortAny {
		return true
	}
	for _, to := range conversions[out] {
		if to == in {
			return true
		}
	}
	return false
}

// accepts reports whether an output of type out may feed an input port that accepts any of types.
func accepts(types []PortType, out PortType) bool {
	for _, in := range types {
		if Compatible(out, in) {
			return true
		}
	}
	return false
}
