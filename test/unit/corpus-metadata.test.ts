import assert from 'node:assert/strict';
import { cslDateToIso, extractDate, extractTitle, isValidDate, MAX_TITLE_LENGTH, parseCslJson } from '../../server/src/corpus/metadata';

describe('corpus/metadata', () => {
  describe('parseCslJson', () => {
    it('reads the hover fields of good items', () => {
      const { items, problems } = parseCslJson(JSON.stringify([
        {
          id: '000_89686b2429188c97',
          title: 'Pompeo et les applications chinoises',
          issued: { 'date-parts': [[2020, 8, 5]] },
          'container-title': 'BBC Afrique',
          author: [{ given: 'Jane', family: 'Doe' }, { literal: 'Reuters' }, { family: 'Solo' }],
          URL: 'https://example.org/a',
          language: 'fr',
        },
        { id: 'b', title: 'B', issued: { raw: '2020-09-20' } },
        { id: 'c', issued: '2020-09' },
        { id: 'd', issued: { 'date-parts': [['2021', '2']] } },
        { id: 'e', issued: { raw: 'September 20, 2020' } },
        { id: 'f', issued: { 'date-parts': [[2019]] } },
      ]));
      assert.deepEqual(problems, []);
      assert.deepEqual(items.get('000_89686b2429188c97'), {
        title: 'Pompeo et les applications chinoises',
        date: '2020-08-05',
        outlet: 'BBC Afrique',
        authors: ['Jane Doe', 'Reuters', 'Solo'],
        url: 'https://example.org/a',
        language: 'fr',
      });
      assert.equal(items.get('b')?.date, '2020-09-20');
      assert.equal(items.get('c')?.date, '2020-09');
      assert.equal(items.get('c')?.title, undefined);
      assert.equal(items.get('d')?.date, '2021-02');
      assert.equal(items.get('e')?.date, '2020-09-20');
      assert.equal(items.get('f')?.date, '2019');
    });

    it('never throws on bad JSON and names the problem', () => {
      const r = parseCslJson('[{"id": "a",');
      assert.equal(r.items.size, 0);
      assert.equal(r.problems.length, 1);
      assert.match(r.problems[0], /invalid JSON/);
    });

    it('rejects a non-array and reports bad items, keeping the good ones', () => {
      assert.match(parseCslJson('{"id": "a"}').problems[0], /array/);
      const r = parseCslJson(JSON.stringify([
        { title: 'no id' },
        42,
        { id: 'a', title: 'A', issued: { 'date-parts': [[2020, 2, 31]] } },
        { id: 'a', title: 'again' },
      ]));
      assert.equal(r.items.size, 1);
      assert.equal(r.items.get('a')?.title, 'A');
      assert.equal(r.items.get('a')?.date, undefined);
      assert.equal(r.problems.length, 4);
      assert.match(r.problems[0], /item 1: missing "id"/);
      assert.match(r.problems[1], /item 2: not an object/);
      assert.match(r.problems[2], /"issued" is not a valid date/);
      assert.match(r.problems[3], /duplicate id "a"/);
    });

    it('accepts a BOM and numeric ids', () => {
      const r = parseCslJson('\ufeff[{"id": 7, "title": "Seven"}]');
      assert.deepEqual(r.problems, []);
      assert.equal(r.items.get('7')?.title, 'Seven');
    });
  });

  describe('cslDateToIso', () => {
    it('handles the CSL date forms', () => {
      assert.equal(cslDateToIso({ 'date-parts': [[2020, 9, 20]] }), '2020-09-20');
      assert.equal(cslDateToIso({ 'date-parts': [[2020, 9, 20], [2020, 9, 22]] }), '2020-09-20');
      assert.equal(cslDateToIso({ raw: '2020-09-20' }), '2020-09-20');
      assert.equal(cslDateToIso({ literal: '20 septembre 2020' }), '2020-09-20');
      assert.equal(cslDateToIso('2020/9/20'), '2020-09-20');
      assert.equal(cslDateToIso('2020-09-20T10:00:00Z'), '2020-09-20');
      assert.equal(cslDateToIso({ 'date-parts': [[2020, 13]] }), undefined);
      assert.equal(cslDateToIso({ 'date-parts': [] }), undefined);
      assert.equal(cslDateToIso('soon'), undefined);
      assert.equal(cslDateToIso(null), undefined);
    });
  });

  describe('extractDate', () => {
    it('finds French, English and ISO dates', () => {
      assert.equal(extractDate('Publié le 20 septembre 2020 à Paris'), '2020-09-20');
      assert.equal(extractDate('Le 1er août 2020, rien.'), '2020-08-01');
      assert.equal(extractDate('le 3 Décembre 2019'), '2019-12-03');
      assert.equal(extractDate('le 5\u00a0aout\u202f2020'), '2020-08-05');
      assert.equal(extractDate('Posted September 20, 2020 by staff'), '2020-09-20');
      assert.equal(extractDate('Posted Sept. 3 2020'), '2020-09-03');
      assert.equal(extractDate('on 20 September 2020.'), '2020-09-20');
      assert.equal(extractDate('on 2nd March 2021.'), '2021-03-02');
      assert.equal(extractDate('id 2020-09-20 stamp'), '2020-09-20');
    });

    it('returns the first date in the text', () => {
      assert.equal(extractDate('2021-01-02 then 20 septembre 2020'), '2021-01-02');
      assert.equal(extractDate('le 25 août 2020, puis le 2 septembre 2020'), '2020-08-25');
    });

    it('skips impossible calendar dates', () => {
      assert.equal(extractDate('le 31 février 2020'), undefined);
      assert.equal(extractDate('le 31 février 2020 puis le 29 février 2020'), '2020-02-29');
      assert.equal(extractDate('29 février 2021'), undefined);
      assert.equal(extractDate('2020-13-01 and 2020-02-30'), undefined);
      assert.equal(extractDate('April 31, 2020'), undefined);
    });

    it('needs a whole date, not pieces of words or numbers', () => {
      assert.equal(extractDate('no date here, just 2020 and mars'), undefined);
      assert.equal(extractDate('x12020-09-20'), undefined);
      assert.equal(extractDate('120 septembre 2020'), undefined);
    });

    it('validates leap years', () => {
      assert.equal(isValidDate(2000, 2, 29), true);
      assert.equal(isValidDate(1900, 2, 29), false);
      assert.equal(isValidDate(2024, 2, 29), true);
    });
  });

  describe('extractTitle', () => {
    it('is the first non-blank line, trimmed', () => {
      assert.equal(extractTitle('\n  \r\n\u00a0 Le titre  \nsuite'), 'Le titre');
      assert.equal(extractTitle('\ufeffTitre\r\nx'), 'Titre');
      assert.equal(extractTitle(' \n\t\n'), '');
    });

    it('caps long lines', () => {
      const long = 'mot '.repeat(200);
      const title = extractTitle(long);
      assert.ok(title.length <= MAX_TITLE_LENGTH, `length ${title.length}`);
      assert.ok(title.endsWith('…'));
      assert.ok(title.startsWith('mot mot'));
    });
  });
});
