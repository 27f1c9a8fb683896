package seed

// The vocabularies below are invented for demo data; none of it names a real customer.

var firstNames = []string{
	"Ada", "Alan", "Amara", "Anders", "Aiko", "Bea", "Bruno", "Camila", "Chen", "Dara", "Diego", "Elif",
	"Emeka", "Farah", "Felix", "Grace", "Hana", "Hugo", "Ines", "Ivan", "Jae", "Jonas", "Kai", "Kofi",
	"Lena", "Leila", "Luca", "Maya", "Mateo", "Mei", "Nadia", "Noah", "Olga", "Omar", "Priya", "Quinn",
	"Rafael", "Rosa", "Sami", "Sofia", "Tariq", "Thea", "Uma", "Victor", "Wen", "Yara", "Yusuf", "Zoe",
}

var lastNames = []string{
	"Abara", "Becker", "Castro", "Dubois", "Eriksen", "Fischer", "Garcia", "Haddad", "Ito", "Jansen",
	"Kowalski", "Larsen", "Moreau", "Nakamura", "Okafor", "Petrov", "Quispe", "Rossi", "Schmidt", "Tanaka",
	"Usman", "Varga", "Weber", "Xu", "Yilmaz", "Zhang", "Lovelace", "Hopper", "Turing", "Noether",
}

// workloads are the tasks teams describe in Scenarios; each names its token sizes and latency needs.
var workloads = []workload{
	{task: "Customer support chat", complexity: "MEDIUM", volume: 60_000, sla: 4000, in: 1_800, out: 350},
	{task: "Internal docs Q&A (RAG)", complexity: "MEDIUM", volume: 12_000, sla: 6000, in: 6_000, out: 500},
	{task: "Invoice field extraction", complexity: "LOW", volume: 200_000, sla: 8000, in: 2_500, out: 200},
	{task: "Code review assistant", complexity: "HIGH", volume: 4_000, sla: 30000, in: 12_000, out: 1_200},
	{task: "Ticket triage and routing", complexity: "LOW", volume: 350_000, sla: 1500, in: 600, out: 20},
	{task: "Sales email drafting", complexity: "MEDIUM", volume: 8_000, sla: 10000, in: 1_000, out: 600},
	{task: "Contract clause review", complexity: "HIGH", volume: 1_500, sla: 60000, in: 20_000, out: 1_500},
	{task: "Product description translation", complexity: "LOW", volume: 90_000, sla: 5000, in: 800, out: 800},
}

type workload struct {
	task       string
	complexity string
	volume     int // requests per day
	sla        int // milliseconds
	in, out    int // tokens per request
}

var scenarioSuffixes = []string{"", " — peak season", " — EU only", " v2", " (pilot)", " — budget cut", " — 2× traffic", " — draft"}

var regionSets = [][]string{nil, nil, {"EU"}, {"US"}, {"US", "EU"}}

// benchmarkTasks give a benchmark's name, system prompt and items; each item has a right and a wrong answer
// of the kind models give, which the benchmark engine's own checks grade.
var benchmarkTasks = []struct {
	name, system string
	items        []datasetItem
}{
	{"Support intent classification", "Answer with one label: billing, bug_report, how_to, account_deletion or sales.", []datasetItem{
		{"I was charged twice for my subscription this month.", "billing", "EXACT", "billing", "sales"},
		{"The app crashes when I open the settings page.", "bug_report", "EXACT", "bug_report", "how_to"},
		{"How do I export my data to CSV?", "how_to", "EXACT", "how_to", "Label: how_to"},
		{"Please close my account and delete my data.", "account_deletion", "EXACT", "account_deletion", "billing"},
		{"Can I get a discount for a non-profit?", "sales", "EXACT", "sales", "billing"},
	}},
	{"Invoice total extraction", "Reply with the invoice total as a plain number.", []datasetItem{
		{"Invoice #4821 … Subtotal 1,200.00 EUR, VAT 19% 228.00, Total 1,428.00 EUR", "1428.00", "NUMERIC", "1428.00", "1200.00"},
		{"Amount due: $310.50 (incl. $20.50 shipping)", "310.50", "NUMERIC", "310.5", "290.00"},
		{"TOTAL TTC 89,90 €", "89.90", "NUMERIC", "89.9", "8990"},
		{"Balance forward 0.00; new charges 2,045.17; please pay 2,045.17", "2045.17", "NUMERIC", "2045.17", "0.00"},
	}},
	{"JSON order parsing", "Return the order as JSON only.", []datasetItem{
		{"Two large pepperoni pizzas to 12 Baker St, cash on delivery", "", "JSON_VALID",
			`{"items":[{"name":"pepperoni pizza","size":"large","qty":2}],"address":"12 Baker St","payment":"cash"}`, `Sure! {items: [pepperoni x2]}`},
		{"One oat latte, no sugar, pickup at 8:15", "", "JSON_VALID", `{"items":[{"name":"oat latte","qty":1}],"pickup":"08:15"}`, `{"items": [oat latte]`},
		{"Cancel order 5512 please", "", "JSON_VALID", `{"action":"cancel","orderId":"5512"}`, `Order 5512 has been cancelled.`},
	}},
	{"SQL generation", "Write one PostgreSQL query; no explanation.", []datasetItem{
		{"Count active users who signed up in 2024", `(?i)select\s+count\(\*\)`, "REGEX",
			"SELECT count(*) FROM users WHERE active AND signed_up_at >= '2024-01-01' AND signed_up_at < '2025-01-01';", "I cannot access your database."},
		{"List the ten most expensive products", `(?i)order\s+by\s+price\s+desc\s+limit\s+10`, "REGEX",
			"SELECT name, price FROM products ORDER BY price DESC LIMIT 10;", "SELECT TOP 10 name FROM products ORDER BY price"},
		{"Average order value per country", `(?i)group\s+by\s+country`, "REGEX",
			"SELECT country, avg(total) FROM orders GROUP BY country;", "SELECT avg(total) FROM orders;"},
	}},
	{"Policy answer grounding", "Answer from the policy excerpt only.", []datasetItem{
		{"How many days do customers have to return an item?", "30 days", "CONTAINS", "Customers can return items within 30 days of delivery.", "Returns are accepted for a limited time."},
		{"Is international shipping free?", "orders over $100", "CONTAINS", "Yes, for orders over $100; otherwise a flat fee applies.", "International shipping is always free."},
		{"Who approves refunds above $500?", "finance team", "CONTAINS", "Refunds above $500 need approval from the finance team.", "Any support agent can approve them."},
		{"What is the warranty on refurbished laptops?", "12 months", "CONTAINS", "Refurbished laptops carry a 12 months warranty.", "There is no warranty on refurbished items."},
	}},
}

// datasetItem is a benchmark item with a right and a wrong model answer.
type datasetItem struct{ input, expected, assertion, right, wrong string }

var benchmarkErrors = []string{
	"model %s: 429 Too Many Requests after 5 retries",
	"model %s: the provider's API key is not set",
	"model %s: request timed out after 60s",
	"model %s: 503 Service Unavailable after 5 retries",
}

var callErrors = []string{"429 Too Many Requests after 5 retries", "request timed out after 60s", "503 Service Unavailable after 5 retries"}

// complianceProfiles are the situations teams assess; each row draws its model and controls.
var complianceProfiles = []struct {
	name, useCase, region string
	regs, data            []string
}{
	{"EU customer support", "CUSTOMER_SUPPORT", "EU", []string{"GDPR", "EU_AI_ACT"}, []string{"PII"}},
	{"US patient intake", "CHATBOT", "US", []string{"HIPAA", "SOC2"}, []string{"PII", "PHI"}},
	{"California marketing copy", "CONTENT_GENERATION", "US", []string{"CCPA"}, []string{"PII"}},
	{"Card payments helpdesk", "CUSTOMER_SUPPORT", "US", []string{"PCI_DSS", "SOC2"}, []string{"PII", "PAYMENT_CARD"}},
	{"HR screening assistant", "EMPLOYMENT", "eu-west-1", []string{"GDPR", "EU_AI_ACT", "SOC2"}, []string{"PII"}},
	{"Global document search", "SEARCH", "US", []string{"GDPR", "CCPA", "SOC2"}, []string{"PII"}},
	{"Contract summaries", "SUMMARIZATION", "EU", []string{"GDPR"}, nil},
}

var experimentIdeas = []struct {
	name, hypothesis, primary, primaryKind string
}{
	{"Cheaper model for tier-1 support", "A smaller model resolves tier-1 tickets as often as the current one at a third of the cost.", "resolution_rate", "BINARY"},
	{"Longer context for RAG answers", "Passing eight retrieved passages instead of four raises answer acceptance.", "answer_accepted", "BINARY"},
	{"Reasoning model for contract review", "A reasoning model catches more risky clauses per contract.", "clauses_flagged", "CONTINUOUS"},
	{"New system prompt for drafting", "A stricter style guide in the system prompt raises reply satisfaction.", "csat", "CONTINUOUS"},
	{"Provider switch for extraction", "Switching provider keeps field accuracy while cutting p95 latency.", "fields_correct", "BINARY"},
}

var secondaryMetrics = []struct {
	name, kind    string
	lowerIsBetter bool
}{
	{"latency_ms", "CONTINUOUS", true}, {"cost_usd", "CONTINUOUS", true}, {"escalated", "BINARY", true}, {"thumbs_up", "BINARY", false},
}

var pipelineNames = []string{
	"Support answer pipeline", "Docs RAG", "Cached FAQ bot", "Extraction with guardrail", "Agent with order lookup",
	"Semantic search", "Moderated chat", "Summarise and route",
}

var selfHostedEndpoints = []string{
	"http://vllm.ml.internal:8000/v1", "http://10.0.4.12:8080/v1", "https://llm.gpu-cluster.example.com/v1",
}

var deploymentReasons = map[string][]string{
	"FAILED": {
		"insufficient capacity for the instance type in this region",
		"health check failed: model server did not answer within 600s",
		"quota exceeded: GPU instances",
	},
	"TERMINATED": {"terminated by its owner", "replaced by a newer deployment", "experiment finished"},
}
