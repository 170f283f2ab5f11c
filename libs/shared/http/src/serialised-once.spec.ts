import { serialiseOnce, serialiseReply } from './serialised-once';

describe('serialiseOnce', () => {
  it('answers a marked body with the bytes made when it was first marked', () => {
    const document = { key: 'uk-sscop', themes: [{ id: 1 }] };
    expect(serialiseReply(serialiseOnce(document))).toBe('{"key":"uk-sscop","themes":[{"id":1}]}');
    // The stored bytes are what is sent: a body must not change once marked.
    document.themes.push({ id: 2 });
    expect(serialiseReply(serialiseOnce(document))).toBe('{"key":"uk-sscop","themes":[{"id":1}]}');
  });

  it('serialises any other body afresh, as JSON.stringify does', () => {
    const body = { data: [1, 2], nextCursor: null };
    expect(serialiseReply(body)).toBe(JSON.stringify(body));
    body.data.push(3);
    expect(serialiseReply(body)).toBe('{"data":[1,2,3],"nextCursor":null}');
    expect(serialiseReply(null)).toBe('null');
    expect(serialiseReply('text')).toBe('"text"');
  });
});
