import { describe, expect, it } from 'vitest';
import { csvField, csvRow } from './csv';

describe('CSV fields', () => {
  it('quote commas, quotes and line breaks (RFC 4180)', () => {
    expect(csvRow(['a,b', 'say "hi"', 'x\ny', 3])).toBe('"a,b","say ""hi""","x\ny",3\r\n');
  });

  it('defuse text a spreadsheet would run as a formula, and leave numbers alone', () => {
    expect(csvField('=HYPERLINK("http://evil","x")')).toBe(`"'=HYPERLINK(""http://evil"",""x"")"`);
    expect(csvField('+1+1')).toBe("'+1+1");
    expect(csvField('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvField(-5)).toBe('-5');
    expect(csvField('openai/gpt-4o-mini')).toBe('openai/gpt-4o-mini');
  });
});
