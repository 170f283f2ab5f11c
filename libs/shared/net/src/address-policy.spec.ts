import { isAllowedAddress, isLocalHostName, parseIpLiteral } from './address-policy';
import { checkOutboundUrl, resolveAllowedAddress } from './safe-fetch';

const strict = { allowPrivate: false };
const lenient = { allowPrivate: true };

describe('parseIpLiteral', () => {
  it.each([
    ['127.0.0.1', '127.0.0.1'],
    ['2130706433', '127.0.0.1'],
    ['0x7f000001', '127.0.0.1'],
    ['0x7f.1', '127.0.0.1'],
    ['0177.0.0.1', '127.0.0.1'],
    ['017700000001', '127.0.0.1'],
    ['127.1', '127.0.0.1'],
    ['0', '0.0.0.0'],
    ['[::ffff:127.0.0.1]', '127.0.0.1'],
    ['::ffff:7f00:1', '127.0.0.1'],
    ['[0:0:0:0:0:ffff:a9fe:a9fe]', '169.254.169.254'],
    ['[::1]', '::1'],
  ])('reads %s as %s', (spelling, address) => {
    expect(parseIpLiteral(spelling)?.toString()).toBe(address);
  });

  it('returns null for host names', () => {
    expect(parseIpLiteral('example.com')).toBeNull();
    expect(parseIpLiteral('127.0.0.1.nip.io')).toBeNull();
  });
});

describe('isAllowedAddress', () => {
  it.each([
    '127.0.0.1',
    '127.255.255.254',
    '10.0.0.1',
    '172.16.0.1',
    '192.168.1.1',
    '169.254.169.254',
    '100.64.0.1',
    '0.0.0.0',
    '255.255.255.255',
    '224.0.0.1',
    '192.0.2.1',
    '198.18.0.1',
    '::1',
    '::',
    'fe80::1',
    'fc00::1',
    'fd12:3456::1',
    'ff02::1',
    '::ffff:10.0.0.1',
    '64:ff9b::7f00:1',
    '2002:7f00:1::1',
    '2001::1',
    '2001:db8::1',
    // IPv4-compatible (::/96) and IPv6 outside 2000::/3, which ipaddr.js still calls unicast.
    '::7f00:1',
    '::a9fe:a9fe',
    '4000::1',
    'fec0::1',
  ])('refuses %s by default', (address) => {
    expect(isAllowedAddress(address, strict)).toBe(false);
  });

  it.each(['8.8.8.8', '93.184.215.14', '2606:4700:4700::1111', '::ffff:8.8.8.8'])('allows the public address %s', (address) => {
    expect(isAllowedAddress(address, strict)).toBe(true);
  });

  it('with private targets allowed, still refuses addresses that name no single host', () => {
    expect(isAllowedAddress('127.0.0.1', lenient)).toBe(true);
    expect(isAllowedAddress('10.1.2.3', lenient)).toBe(true);
    expect(isAllowedAddress('fd00::1', lenient)).toBe(true);
    for (const address of ['0.0.0.0', '::', '255.255.255.255', '224.0.0.251', 'ff02::1']) expect(isAllowedAddress(address, lenient)).toBe(false);
  });

  it('refuses what is not an address', () => {
    expect(isAllowedAddress('example.com', lenient)).toBe(false);
  });
});

describe('isLocalHostName', () => {
  it.each(['localhost', 'LOCALHOST', 'localhost.', 'api.localhost', 'a.b.localhost..', 'ip6-localhost'])('knows %s means this machine', (name) => {
    expect(isLocalHostName(name)).toBe(true);
  });
  it('does not flag ordinary names', () => {
    expect(isLocalHostName('localhost.example.com')).toBe(false);
    expect(isLocalHostName('example.com')).toBe(false);
  });
});

describe('checkOutboundUrl', () => {
  it.each([
    'http://127.0.0.1/',
    'http://2130706433/',
    'http://0x7f000001/',
    'http://0x7f.1/',
    'http://0177.0.0.1/',
    'http://127.1/',
    'http://0/',
    'http://0.0.0.0:8080/',
    'http://[::1]/',
    'http://[::]/',
    'http://[::ffff:127.0.0.1]/',
    'http://[0:0:0:0:0:ffff:7f00:1]/',
    'http://[fe80::1]/',
    'http://[fc00::1]/',
    'http://[64:ff9b::7f00:1]/',
    'http://[::127.0.0.1]/',
    'http://[::7f00:1]/',
    'http://169.254.169.254/latest/meta-data/',
    'http://2852039166/',
    'http://10.0.0.1/',
    'http://192.168.0.1/',
    'http://①②⑦.0.0.1/',
    'http://localhost/',
    'http://LocalHost./',
    'http://admin.localhost/',
    'https://user:pass@example.com/',
    'ftp://example.com/',
    'file:///etc/passwd',
    'gopher://example.com/',
    'not a url',
  ])('refuses %s', (url) => {
    expect(() => checkOutboundUrl(url, strict)).toThrow(/Refused outbound request/);
  });

  it('refuses an overlong URL', () => {
    expect(() => checkOutboundUrl(`https://example.com/${'a'.repeat(2100)}`, strict)).toThrow(/longer than 2048/);
  });

  it('accepts public URLs and leaves DNS names to the request-time check', () => {
    expect(checkOutboundUrl('https://hooks.example.com/assay?x=1', strict).hostname).toBe('hooks.example.com');
    expect(checkOutboundUrl('http://8.8.8.8:8080/', strict).port).toBe('8080');
  });

  it('accepts loopback when private targets are allowed, never the unspecified address', () => {
    expect(checkOutboundUrl('http://127.0.0.1:9/', lenient).hostname).toBe('127.0.0.1');
    expect(checkOutboundUrl('http://localhost:9/', lenient).hostname).toBe('localhost');
    expect(() => checkOutboundUrl('http://0.0.0.0/', lenient)).toThrow(/unspecified/);
  });
});

describe('resolveAllowedAddress', () => {
  const answers =
    (...addresses: string[]) =>
    async () =>
      addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));

  it('refuses a name that resolves to a private address', async () => {
    await expect(resolveAllowedAddress('internal.example.com', strict, answers('10.0.0.5'))).rejects.toThrow(/resolves to 10.0.0.5, a private address/);
  });

  it('refuses a name when any of its answers is refused', async () => {
    await expect(resolveAllowedAddress('mixed.example.com', strict, answers('8.8.8.8', '127.0.0.1'))).rejects.toThrow(/127.0.0.1/);
    await expect(resolveAllowedAddress('mapped.example.com', strict, answers('2606:4700::1', '::ffff:169.254.169.254'))).rejects.toThrow(/linkLocal/);
  });

  it('returns the first answer of a public name', async () => {
    await expect(resolveAllowedAddress('hooks.example.com', strict, answers('93.184.215.14', '2606:2800::1'))).resolves.toEqual({
      address: '93.184.215.14',
      family: 4,
    });
  });

  it('refuses a name that does not resolve', async () => {
    const failing = async () => {
      throw Object.assign(new Error('nope'), { code: 'ENOTFOUND' });
    };
    await expect(resolveAllowedAddress('nowhere.invalid', strict, failing)).rejects.toThrow(/does not resolve \(ENOTFOUND\)/);
  });

  it('checks literals without asking DNS', async () => {
    const never = async () => {
      throw new Error('DNS must not be asked');
    };
    await expect(resolveAllowedAddress('[::ffff:7f00:1]', strict, never)).rejects.toThrow(/loopback/);
    await expect(resolveAllowedAddress('127.0.0.1', lenient, never)).resolves.toEqual({ address: '127.0.0.1', family: 4 });
  });

  it('refuses local names before asking DNS', async () => {
    await expect(resolveAllowedAddress('localhost', strict, answers('8.8.8.8'))).rejects.toThrow(/names this machine/);
  });
});
