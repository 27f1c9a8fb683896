// The operations both clients run, as a front-end would write them.
export const SIGN_UP = `mutation SignUp($email: String!, $password: String!) {
  signUp(input: {email: $email, password: $password}) { token user { id email } }
}`;

export const CREATE_SCENARIO = `mutation CreateScenario($input: CreateScenarioInput!) {
  createScenario(input: $input) { id name }
}`;

export const SCENARIOS = `query Scenarios($first: Int, $after: Cursor) {
  scenarios(first: $first, after: $after) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { cursor node { id name } }
  }
}`;

export const CREATE_BENCHMARK = `mutation CreateBenchmark($input: CreateBenchmarkInput!) {
  createBenchmark(input: $input) { id status }
}`;

export const CANCEL_BENCHMARK = `mutation CancelBenchmark($id: ID!) { cancelBenchmark(id: $id) { id status } }`;

export const BENCHMARK_UPDATED = `subscription BenchmarkUpdated($id: ID!) { benchmarkUpdated(id: $id) { id status } }`;

export const scenarioInput = (name) => ({
  name,
  config: { taskComplexity: 'LOW', dataVolume: 100, responseTimeSLA: 1000, inputTokens: 100, outputTokens: 50 },
});

export const benchmarkInput = (name) => ({
  name, models: ['openai/gpt-4.1-mini'], dataset: [{ input: 'What is 1+1?', expected: '2', assertion: 'CONTAINS' }],
});

// pageAll fetches pages of `size` until hasNextPage is false, following endCursor, with query(variables).
export async function pageAll(query, size) {
  const pages = [];
  let after = null;
  for (let i = 0; i < 10; i++) {
    const { scenarios } = await query({ first: size, after });
    pages.push({ names: scenarios.edges.map((e) => e.node.name), hasNextPage: scenarios.pageInfo.hasNextPage, totalCount: scenarios.totalCount });
    if (!scenarios.pageInfo.hasNextPage) return pages;
    after = scenarios.pageInfo.endCursor;
  }
  throw new Error('more than 10 pages');
}

// watchBenchmark subscribes with subscribe(variables, sink) and, once the current state has arrived,
// cancels the benchmark with cancel(); it resolves with the statuses seen when the stream completes and the
// cancel's response has arrived (the server publishes the change at commit, before it answers the mutation).
export function watchBenchmark(subscribe, cancel, ms = 10000) {
  return new Promise((resolve, reject) => {
    const statuses = [];
    let cancelled = Promise.resolve();
    const timer = setTimeout(() => reject(new Error(`subscription: no completion within ${ms} ms (saw ${statuses})`)), ms);
    subscribe({
      next(result) {
        if (result.errors?.length) return reject(new Error(`subscription error: ${JSON.stringify(result.errors)}`));
        statuses.push(result.data.benchmarkUpdated.status);
        if (statuses.length === 1) cancelled = cancel();
      },
      error(err) { clearTimeout(timer); reject(err instanceof Error ? err : new Error(JSON.stringify(err))); },
      complete() { clearTimeout(timer); cancelled.then(() => resolve(statuses), reject); },
    });
  });
}
