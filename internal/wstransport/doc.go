// Package wstransport serves GraphQL operations over websockets for gqlgen, speaking graphql-transport-ws
// (the graphql-ws library) and the legacy graphql-ws protocol (subscriptions-transport-ws); it authenticates
// nothing itself (InitFunc and Revalidate decide), checks no Origin (the handler in front of it does) and
// knows nothing of the schema it serves.
package wstransport
