import { inquiryAnswer } from './inquiry-answer';

const empty = { justification: '', impactStatement: '', fixedIn: '', actionStatement: '' };

describe('the inquiry answer the page sends', () => {
  it('sends only the fields the chosen status takes, trimmed, as the API requires', () => {
    expect(
      inquiryAnswer({
        ...empty,
        status: 'not_affected',
        justification: 'component_not_present',
        impactStatement: '  Not shipped  ',
        actionStatement: 'left over',
      }),
    ).toEqual({ status: 'not_affected', justification: 'component_not_present', impactStatement: 'Not shipped' });
    expect(inquiryAnswer({ ...empty, status: 'affected', justification: 'component_not_present', fixedIn: '1.2', actionStatement: ' Upgrade ' })).toEqual({
      status: 'affected',
      actionStatement: 'Upgrade',
    });
    expect(inquiryAnswer({ ...empty, status: 'fixed', fixedIn: ' 3.1.1 ' })).toEqual({ status: 'fixed', fixedIn: '3.1.1' });
    expect(inquiryAnswer({ ...empty, status: 'under_investigation', fixedIn: '3.1.1', impactStatement: 'x' })).toEqual({ status: 'under_investigation' });
  });
});
