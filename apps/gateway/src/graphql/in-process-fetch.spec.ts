import Fastify from 'fastify';
import { inProcessFetch } from './in-process-fetch';

describe('inProcessFetch', () => {
  const app = Fastify();
  app.post('/graphql', async (request, reply) =>
    reply
      .status(202)
      .header('set-cookie', ['a=1', 'b=2'])
      .header('x-seen', `${request.headers['x-assay-identity']} ${request.url}`)
      .send({ echoed: request.body }),
  );
  beforeAll(() => app.ready());
  afterAll(() => app.close());

  const fetchLocally = () => inProcessFetch((req, res) => app.routing(req, res), Response);

  it('sends the call through the application as a request of its own and answers with what it answered', async () => {
    const response = await fetchLocally()('http://127.0.0.1:1234/graphql?x=1', {
      method: 'POST',
      headers: new Headers({ 'content-type': 'application/json', 'x-assay-identity': 'token' }),
      body: JSON.stringify({ query: '{ a }' }),
    });
    expect(response.status).toBe(202);
    expect(response.headers.get('x-seen')).toBe('token /graphql?x=1');
    expect(response.headers.getSetCookie()).toEqual(['a=1', 'b=2']);
    expect(await response.json()).toEqual({ echoed: { query: '{ a }' } });
  });

  it('refuses a body it cannot send as it is', async () => {
    await expect(fetchLocally()('http://127.0.0.1:1234/graphql', { method: 'POST', body: new ReadableStream() })).rejects.toThrow(/string or a buffer/);
  });
});
