import { expect } from 'chai';
import { csvField, csvLine, defuseFormula, hoursText } from '../../src/services/csv.js';

describe('CSV formatting (RFC 4180, formula injection defused)', () => {
  describe('csvField', () => {
    const cases: Array<[string, unknown, string]> = [
      ['a plain word as it is', 'Website', 'Website'],
      ['an empty string as nothing', '', ''],
      ['null and undefined as nothing', null, ''],
      ['a comma quoted', 'a,b', '"a,b"'],
      ['quotes doubled and quoted', 'say "hi"', '"say ""hi"""'],
      ['a line feed quoted', 'line 1\nline 2', '"line 1\nline 2"'],
      ['a carriage return inside quoted', 'a\rb', '"a\rb"'],
      ['CRLF inside quoted', 'a\r\nb', '"a\r\nb"'],
      ['a leading = defused', '=SUM(A1)', "'=SUM(A1)"],
      ['a leading + defused', '+1', "'+1"],
      ['a leading - defused', '-2', "'-2"],
      ['a leading @ defused', '@x', "'@x"],
      ['a leading tab defused', '\tindented', "'\tindented"],
      ['a leading CR defused, then quoted', '\rx', `"'\rx"`],
      ['a formula with a comma defused before quoting', '=HYPERLINK("http://x","y")', `"'=HYPERLINK(""http://x"",""y"")"`],
      ['a formula sign later in the text untouched', 'a=b+c-d@e', 'a=b+c-d@e'],
      ['a leading space untouched', ' =1', ' =1'],
      ['booleans as true/false', true, 'true'],
      ['numbers as they are', 1.5, '1.5'],
    ];
    for (const [name, input, output] of cases) {
      it(`writes ${name}`, () => expect(csvField(input as string)).to.equal(output));
    }
  });

  it('defuseFormula prefixes an apostrophe only to formula starts', () => {
    expect(['=1', '+1', '-1', '@1', '\t1', '\r1', '1', "'1", ''].map(defuseFormula)).to.deep.equal(["'=1", "'+1", "'-1", "'@1", "'\t1", "'\r1", '1', "'1", '']);
  });

  it('csvLine joins fields with commas and ends the record with CRLF', () => {
    expect(csvLine(['2026-03-01', '09:00', '', '1.50', 'Ann, B.', 'P', null, '=x', false, 'manual'])).to.equal(
      `2026-03-01,09:00,,1.50,"Ann, B.",P,,'=x,false,manual\r\n`,
    );
    expect(csvLine([])).to.equal('\r\n');
  });

  it('hoursText writes hours with two decimals, rounded to the nearest 36 s', () => {
    expect([0, 17, 18, 36, 5400, 3600, 82_800, 1_800_000, 86_399].map(hoursText)).to.deep.equal(['0.00', '0.00', '0.01', '0.01', '1.50', '1.00', '23.00', '500.00', '24.00']);
  });
});
