// Package providertest runs fake model API servers that speak the OpenAI chat-completions and Gemini
// streamGenerateContent wire formats byte for byte, and the conformance suite that every providers kind
// passes; it is for tests only and makes no call outside the test process.
package providertest
