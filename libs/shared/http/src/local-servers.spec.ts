import { localServers } from './local-servers';

describe('localServers', () => {
  const handler = jest.fn();
  beforeAll(() => localServers.add(41_234, handler));
  afterAll(() => localServers.remove(41_234));

  it('finds the application of this process behind a loopback upstream on its port', () => {
    for (const upstream of ['http://127.0.0.1:41234', 'http://localhost:41234', 'http://[::1]:41234']) expect(localServers.at(upstream)).toBe(handler);
  });

  it('never takes another host, another port or TLS for one of its own', () => {
    for (const upstream of ['http://10.0.0.7:41234', 'http://assessments:41234', 'http://127.0.0.1:41235', 'https://127.0.0.1:41234']) {
      expect(localServers.at(upstream)).toBeUndefined();
    }
  });

  it('stops handing requests to an application once it is removed', () => {
    localServers.add(41_240, handler);
    localServers.remove(41_240);
    expect(localServers.at('http://127.0.0.1:41240')).toBeUndefined();
  });
});
