import { describe, expect, it } from 'vitest';
import { actionCodeLabel, isTask, KNOWN_CODES, knownCode } from '../../src/lib/format/actions';
import { webLink } from '../../src/lib/format/links';

describe('action codes in words people know', () => {
  it('names every known code in Danish', () => {
    const names = KNOWN_CODES.map((c) => actionCodeLabel('da', c));
    expect(names).toEqual([
      'Aftale',
      'Betaling',
      'Selvbetjening',
      'Information',
      'Underskriv',
      'Bekræft',
      'Forberedelse',
      'Tilmelding',
    ]);
  });

  it('names every known code in English', () => {
    expect(actionCodeLabel('en', 'BETALING')).toBe('Payment');
    expect(actionCodeLabel('en', 'AFTALE')).toBe('Appointment');
  });

  it('shows a code it does not know as written', () => {
    expect(actionCodeLabel('da', 'VACCINATIONSBOOKING')).toBe('VACCINATIONSBOOKING');
    expect(actionCodeLabel('da', '  Noget nyt ')).toBe('Noget nyt');
  });

  it('reads codes as the Rust side does (case, space, Æ)', () => {
    expect(knownCode(' betaling ')).toBe('BETALING');
    expect(knownCode('BEKRÆFT')).toBe('BEKRAEFT');
    expect(actionCodeLabel('da', 'bekræft')).toBe('Bekræft');
  });

  it('counts every code but information and appointment as a task with a deadline', () => {
    expect(isTask('BETALING')).toBe(true);
    expect(isTask('UNDERSKRIV')).toBe(true);
    expect(isTask('INFORMATION')).toBe(false);
    expect(isTask('AFTALE')).toBe(false);
    expect(isTask('SOMETHING_NEW')).toBe(true);
  });
});

describe('entry points from hostile letters', () => {
  it('offers http and https addresses, naming the host', () => {
    expect(webLink('https://betaling.kommune.example/x?y=1')).toEqual({
      href: 'https://betaling.kommune.example/x?y=1',
      host: 'betaling.kommune.example',
    });
    expect(webLink('http://a.example')?.host).toBe('a.example');
  });

  it('refuses anything else', () => {
    for (const bad of [
      'javascript:alert(1)',
      'JaVaScRiPt:alert(1)',
      'data:text/html,<script>1</script>',
      'file:///etc/passwd',
      'ftp://x.example',
      'https://user:pw@bank.example/',
      'https://x.example/a b',
      'https://x.example/\u0000',
      '',
      null,
      'not a url',
    ]) {
      expect(webLink(bad)).toBeNull();
    }
  });

  it('shows look-alike hosts in ASCII so the trick shows', () => {
    expect(webLink('https://skаt.example/')?.host).toMatch(/^xn--skt-[a-z0-9]+\.example$/);
  });
});
