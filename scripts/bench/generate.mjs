#!/usr/bin/env node
/**
 * Deterministic generator of a benchmark workspace (issue 4): French-like sources,
 * notes with citations and quotations (about 10% altered), a registry of entities
 * and events, `pnote.json` and a CSL-JSON `corpus/sources.json`.
 *
 *   node scripts/bench/generate.mjs OUTDIR [--sources N] [--notes M] [--seed S]
 *        [--citations C] [--entities E] [--events V] [--bytes B] [--vocab W]
 *
 * Defaults: 10,000 sources of ~8 KB (~80 MB), 2,000 notes, 10 citations a note,
 * entities = notes / 4, events = notes × 0.15 (500 and 300 at 2,000 notes).
 * Same parameters and seed → byte-identical output (own PRNG, no dependencies).
 * Writes `.bench-workspace.json` (parameters and counts) last: its presence marks
 * a complete workspace.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Bump when the output changes for the same parameters (invalidates `.bench/` caches). */
export const GENERATOR_VERSION = 1;

const HERE = path.dirname(fileURLToPath(import.meta.url));
const REPO = path.resolve(HERE, '../..');
/** Real French news text the vocabulary starts from (the example corpus = /work/shared/corpus). */
const SEED_CORPORA = [path.join(REPO, 'examples/tiktok-ban/corpus'), '/work/shared/corpus'];

const NBSP = '\u00a0';
const NNBSP = '\u202f';

// ---------------------------------------------------------------------------
// PRNG
// ---------------------------------------------------------------------------

/** mulberry32: a tiny 32-bit PRNG, good enough for test data and fully deterministic. */
function mulberry32(seed) {
  let a = seed >>> 0;
  return function next() {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

class Rng {
  constructor(seed) {
    this.next = mulberry32(seed);
  }
  /** Integer in [0, n). */
  int(n) {
    return Math.floor(this.next() * n);
  }
  /** Integer in [a, b]. */
  range(a, b) {
    return a + Math.floor(this.next() * (b - a + 1));
  }
  chance(p) {
    return this.next() < p;
  }
  pick(array) {
    return array[Math.floor(this.next() * array.length)];
  }
  hex(n) {
    let s = '';
    for (let i = 0; i < n; i++) {
      s += '0123456789abcdef'[this.int(16)];
    }
    return s;
  }
  shuffle(array) {
    for (let i = array.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      [array[i], array[j]] = [array[j], array[i]];
    }
    return array;
  }
}

/** Zipf–Mandelbrot sampler over ranks 0..n-1: p(r) ∝ 1 / (r + 1 + q)^s. */
function zipfSampler(n, s, q) {
  const cdf = new Float64Array(n);
  let sum = 0;
  for (let r = 0; r < n; r++) {
    sum += 1 / Math.pow(r + 1 + q, s);
    cdf[r] = sum;
  }
  for (let r = 0; r < n; r++) {
    cdf[r] /= sum;
  }
  return (u) => {
    let lo = 0;
    let hi = n - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cdf[mid] < u) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  };
}

// ---------------------------------------------------------------------------
// Vocabulary
// ---------------------------------------------------------------------------

const SUFFIXES = [
  'ation', 'ations', 'ement', 'ements', 'eur', 'eurs', 'euse', 'euses', 'ique', 'iques', 'isme', 'iste',
  'istes', 'ité', 'ités', 'able', 'ables', 'ant', 'ante', 'ants', 'antes', 'é', 'ée', 'és', 'ées', 'er',
  'ait', 'aient', 'ons', 'ez', 'era', 'erait', 'eraient', 'ion', 'ions', 'al', 'ale', 'aux', 'ales', 'if',
  'ive', 'ifs', 'ives', 'age', 'ages', 'ure', 'ures', 'ier', 'ière', 'iers', 'ières', 'ance', 'ences', 'ent',
  'èrent', 'âmes', 'eront', 'issons', 'issent', 'ienne', 'iens', 'esque', 'oire', 'ateur', 'atrice',
];
const PREFIXES = ['', '', '', 're', 'dé', 'pré', 'in', 'sur', 'sous', 'contre', 'inter', 'trans', 'co', 'anti', 'mé', 'dis'];
const SYLLABLES = [
  'ba', 'bé', 'bo', 'ca', 'cé', 'co', 'cha', 'che', 'da', 'dé', 'di', 'do', 'fa', 'fé', 'fi', 'ga', 'gé', 'gra',
  'la', 'lé', 'li', 'lo', 'lu', 'ma', 'mé', 'mi', 'mo', 'na', 'né', 'ni', 'no', 'pa', 'pé', 'pi', 'po', 'pra',
  'ra', 'ré', 'ri', 'ro', 'sa', 'sé', 'si', 'so', 'ta', 'té', 'ti', 'to', 'tra', 'tri', 'va', 'vé', 'vi', 'vo',
  'qua', 'que', 'quo', 'gou', 'mou', 'nou', 'pou', 'tou', 'bri', 'cri', 'fla', 'gli', 'plo', 'ven', 'ton', 'mar',
];

/** Words of the seed corpus by frequency, plus generated word forms: `size` distinct words in Zipf order. */
function buildVocabulary(rng, size) {
  const counts = new Map();
  const caps = new Map();
  for (const dir of SEED_CORPORA) {
    if (!fs.existsSync(dir)) {
      continue;
    }
    for (const name of fs.readdirSync(dir).sort()) {
      if (!name.endsWith('.txt')) {
        continue;
      }
      const text = fs.readFileSync(path.join(dir, name), 'utf8');
      for (const m of text.matchAll(/\p{L}+/gu)) {
        const w = m[0];
        if (w.length === 1 && !/^[aày]$/i.test(w)) {
          continue; // elided l’ d’ j’ … are produced by the sentence builder
        }
        const lower = w.toLowerCase();
        counts.set(lower, (counts.get(lower) ?? 0) + 1);
        if (w !== lower && w[0] === w[0].toUpperCase()) {
          caps.set(lower, (caps.get(lower) ?? 0) + 1);
        }
      }
    }
    break; // the first corpus found is enough (the two are copies)
  }
  const seedWords = [...counts.keys()].sort((a, b) => counts.get(b) - counts.get(a) || (a < b ? -1 : 1));
  // Words always written capitalised are proper nouns: keep their capital.
  const forms = seedWords.map((w) => ((caps.get(w) ?? 0) === counts.get(w) ? w[0].toUpperCase() + w.slice(1) : w));
  const seen = new Set(seedWords);

  // Stems: seed words of 5+ letters with a common ending removed.
  const stems = [];
  for (const w of seedWords) {
    if (w.length < 5 || (caps.get(w) ?? 0) === counts.get(w)) {
      continue;
    }
    const stem = w.replace(/(ations?|ements?|eurs?|euses?|iques?|ismes?|istes?|ités?|ables?|antes?|ants?|ées?|és?|er|aient|ait|ions?|aux|ales?|ifs?|ives?|ages?|ures?|ières?|iers?|ances?|ences?|ent|s|e)$/u, '');
    if (stem.length >= 3) {
      stems.push(stem);
    }
  }
  const generated = [];
  const add = (w) => {
    if (!seen.has(w) && w.length >= 3) {
      seen.add(w);
      generated.push(w);
    }
  };
  for (const prefix of PREFIXES) {
    for (const stem of stems) {
      for (const suffix of SUFFIXES) {
        if (rng.chance(0.25)) {
          add(prefix + stem + suffix);
        }
      }
    }
  }
  // Coined stems from syllables, inflected the same way.
  while (generated.length + forms.length < size * 1.2) {
    let stem = '';
    const n = rng.range(2, 3);
    for (let i = 0; i < n; i++) {
      stem += rng.pick(SYLLABLES);
    }
    add(stem + rng.pick(SUFFIXES));
  }
  rng.shuffle(generated);
  return forms.concat(generated).slice(0, size);
}

// ---------------------------------------------------------------------------
// Names, dates
// ---------------------------------------------------------------------------

const FIRST_NAMES = [
  'Jean', 'Marie', 'Pierre', 'Sophie', 'Michel', 'Claire', 'Philippe', 'Isabelle', 'Nicolas', 'Camille', 'Alain',
  'Nathalie', 'François', 'Hélène', 'Laurent', 'Élise', 'Thomas', 'Anne', 'Julien', 'Léa', 'Mathieu', 'Chloé',
  'Olivier', 'Amélie', 'Antoine', 'Inès', 'Bruno', 'Céline', 'Yann', 'Agnès', 'Wei', 'Li', 'Xiao', 'Ming',
  'Mike', 'Donald', 'Joe', 'Kamala', 'Steven', 'Janet', 'Ursula', 'Olaf', 'Rishi', 'Fumio', 'Narendra', 'Jacinda',
];
const LAST_NAMES = [
  'Martin', 'Bernard', 'Dubois', 'Thomas', 'Robert', 'Richard', 'Petit', 'Durand', 'Leroy', 'Moreau', 'Simon',
  'Laurent', 'Lefèvre', 'Michel', 'Garcia', 'David', 'Bertrand', 'Roux', 'Vincent', 'Fournier', 'Morel', 'Girard',
  'André', 'Lefebvre', 'Mercier', 'Dupont', 'Lambert', 'Bonnet', 'François', 'Martinez', 'Legrand', 'Garnier',
  'Faure', 'Rousseau', 'Blanc', 'Guérin', 'Muller', 'Henry', 'Roussel', 'Nicolas', 'Perrin', 'Morin', 'Mathieu',
  'Clément', 'Gauthier', 'Dumont', 'Lopez', 'Fontaine', 'Chevalier', 'Robin', 'Zhang', 'Wang', 'Liu', 'Chen',
  'Yang', 'Huang', 'Zhao', 'Wu', 'Zhou', 'Xu', 'Sun', 'Ma', 'Hu', 'Guo', 'Lin', 'Smith', 'Johnson', 'Williams',
  'Brown', 'Jones', 'Miller', 'Davis', 'Wilson', 'Anderson', 'Taylor', 'Moore', 'Jackson', 'White', 'Harris',
  'Clark', 'Lewis', 'Walker', 'Hall', 'Young', 'King', 'Wright', 'Scott', 'Green', 'Baker', 'Adams', 'Nelson',
  'Hill', 'Campbell', 'Mitchell', 'Roberts', 'Carter', 'Phillips', 'Evans', 'Turner', 'Torres', 'Parker', 'Collins',
  'Edwards', 'Stewart', 'Flores', 'Morris', 'Nguyen', 'Murphy', 'Rivera', 'Cook', 'Rogers', 'Morgan', 'Peterson',
  'Cooper', 'Reed', 'Bailey', 'Bell', 'Gomez', 'Kelly', 'Howard', 'Ward', 'Cox', 'Diaz', 'Richardson', 'Wood',
  'Watson', 'Brooks', 'Bennett', 'Gray', 'James', 'Reyes', 'Cruz', 'Hughes', 'Price', 'Myers', 'Long', 'Foster',
  'Sanders', 'Ross', 'Morales', 'Powell', 'Sullivan', 'Russell', 'Ortiz', 'Jenkins', 'Gutierrez', 'Perry', 'Butler',
  'Barnes', 'Fisher', 'Henderson', 'Coleman', 'Simmons', 'Patterson', 'Jordan', 'Reynolds', 'Hamilton', 'Graham',
  'Kim', 'Gonzales', 'Alexander', 'Ramos', 'Wallace', 'Griffin', 'West', 'Cole', 'Hayes', 'Chavez', 'Gibson',
  'Bryant', 'Ellis', 'Stevens', 'Murray', 'Ford', 'Marshall', 'Owens', 'McDonald', 'Harrison', 'Ruiz', 'Kennedy',
  'Wells', 'Alvarez', 'Woods', 'Mendoza', 'Castillo', 'Olson', 'Webb', 'Washington', 'Tucker', 'Freeman', 'Burns',
  'Henry', 'Vasquez', 'Snyder', 'Simpson', 'Crawford', 'Jimenez', 'Porter', 'Mason', 'Shaw', 'Gordon', 'Wagner',
  'Hunter', 'Romero', 'Hicks', 'Dixon', 'Hunt', 'Palmer', 'Robertson', 'Black', 'Holmes', 'Stone', 'Meyer', 'Boyd',
  'Mills', 'Warren', 'Fox', 'Rose', 'Rice', 'Moreno', 'Schmidt', 'Patel', 'Ferguson', 'Nichols', 'Herrera',
  'Medina', 'Ryan', 'Fernandez', 'Weaver', 'Daniels', 'Stephens', 'Gardner', 'Payne', 'Kelley', 'Dunn', 'Pierce',
  'Arnold', 'Tran', 'Spencer', 'Peters', 'Hawkins', 'Grant', 'Hansen', 'Castro', 'Hoffman', 'Hart', 'Elliott',
  'Cunningham', 'Knight', 'Bradley', 'Carroll', 'Hudson', 'Duncan', 'Armstrong', 'Berry', 'Andrews', 'Johnston',
  'Ray', 'Lane', 'Riley', 'Carpenter', 'Perkins', 'Aguilar', 'Silva', 'Richards', 'Willis', 'Matthews', 'Chapman',
  'Lawrence', 'Garza', 'Vargas', 'Watkins', 'Wheeler', 'Larson', 'Carlson', 'Harper', 'George', 'Greene', 'Burke',
  'Guzman', 'Morrison', 'Munoz', 'Jacobs', 'Obrien', 'Lawson', 'Franklin', 'Lynch', 'Bishop', 'Carr', 'Salazar',
  'Austin', 'Mendez', 'Gilbert', 'Jensen', 'Williamson', 'Montgomery', 'Harvey', 'Oliver', 'Howell', 'Dean',
  'Hanson', 'Weber', 'Garrett', 'Sims', 'Burton', 'Fuller', 'Soto', 'McCoy', 'Welch', 'Chen', 'Schultz', 'Walters',
  'Reid', 'Fields', 'Walsh', 'Little', 'Fowler', 'Bowman', 'Davidson', 'May', 'Day', 'Schneider', 'Newman', 'Brewer',
  'Lucas', 'Holland', 'Wong', 'Banks', 'Santos', 'Curtis', 'Pearson', 'Delgado', 'Valdez', 'Pena', 'Rios', 'Douglas',
  'Sandoval', 'Barrett', 'Hopkins', 'Keller', 'Guerrero', 'Stanley', 'Bates', 'Alvarado', 'Beck', 'Ortega', 'Wade',
  'Estrada', 'Contreras', 'Barnett', 'Caldwell', 'Santiago', 'Lambert', 'Powers', 'Chambers', 'Nunez', 'Craig',
  'Leonard', 'Lowe', 'Rhodes', 'Byrd', 'Gregory', 'Shelton', 'Frazier', 'Becker', 'Maldonado', 'Fleming', 'Vega',
  'Sutton', 'Cohen', 'Jennings', 'Parks', 'McDaniel', 'Watts', 'Barker', 'Norris', 'Vaughn', 'Vazquez', 'Holt',
  'Schwartz', 'Steele', 'Benson', 'Neal', 'Dominguez', 'Horton', 'Terry', 'Wolfe', 'Hale', 'Lyons', 'Graves',
  'Haynes', 'Miles', 'Park', 'Warner', 'Padilla', 'Bush', 'Thornton', 'McCarthy', 'Mann', 'Zimmerman', 'Erickson',
  'Fletcher', 'McKinney', 'Page', 'Dawson', 'Joseph', 'Marquez', 'Reeves', 'Klein', 'Espinoza', 'Baldwin', 'Moran',
  'Love', 'Robbins', 'Higgins', 'Ball', 'Cortez', 'Le', 'Griffith', 'Bowen', 'Sharp', 'Cummings', 'Ramsey', 'Hardy',
  'Swanson', 'Barber', 'Acosta', 'Luna', 'Chandler', 'Blair', 'Daniel', 'Cross', 'Simon', 'Dennis', 'Oconnor',
  'Quinn', 'Gross', 'Navarro', 'Moss', 'Fitzgerald', 'Doyle', 'McLaughlin', 'Rojas', 'Rodgers', 'Stevenson',
  'Singh', 'Yang', 'Figueroa', 'Harmon', 'Newton', 'Paul', 'Manning', 'Garner', 'McGee', 'Reese', 'Francis',
  'Burgess', 'Adkins', 'Goodman', 'Curry', 'Brady', 'Christensen', 'Potter', 'Walton', 'Goodwin', 'Mullins',
  'Molina', 'Webster', 'Fischer', 'Campos', 'Avila', 'Sherman', 'Todd', 'Chang', 'Blake', 'Malone', 'Wolf',
  'Hodges', 'Juarez', 'Gill', 'Farmer', 'Hines', 'Gallagher', 'Duran', 'Hubbard', 'Cannon', 'Miranda', 'Wang',
  'Saunders', 'Tate', 'Mack', 'Hammond', 'Carrillo', 'Townsend', 'Wise', 'Ingram', 'Barton', 'Mejia', 'Ayala',
  'Schroeder', 'Hampton', 'Rowe', 'Parsons', 'Frank', 'Waters', 'Strickland', 'Osborne', 'Maxwell', 'Chan',
];
const ORG_HEADS = ['Ministère', 'Agence', 'Commission', 'Conseil', 'Autorité', 'Office', 'Bureau', 'Comité', 'Institut', 'Direction'];
const ORG_TAILS = [
  'du commerce', 'des télécommunications', 'de la sécurité numérique', 'des affaires étrangères', 'du Trésor',
  'de la concurrence', 'des données', 'de la défense', 'du renseignement', 'de l’industrie', 'des finances',
  'de la justice', 'de l’énergie', 'des transports', 'de la santé', 'de la recherche', 'des douanes',
];
const COMPANY_PARTS = ['Tel', 'Data', 'Net', 'Soft', 'Tech', 'Cloud', 'Link', 'Sys', 'Byte', 'Wave', 'Nova', 'Sino', 'Euro', 'Trans', 'Opti', 'Quant', 'Micro', 'Hexa', 'Volt', 'Astra'];
const COUNTRIES = [
  ['France', 'Paris'], ['Allemagne', 'Berlin'], ['Chine', 'Pékin'], ['États-Unis', 'Washington'], ['Japon', 'Tokyo'],
  ['Inde', 'New Delhi'], ['Royaume-Uni', 'Londres'], ['Canada', 'Ottawa'], ['Australie', 'Canberra'], ['Brésil', 'Brasilia'],
  ['Russie', 'Moscou'], ['Corée du Sud', 'Séoul'], ['Italie', 'Rome'], ['Espagne', 'Madrid'], ['Taïwan', 'Taipei'],
  ['Singapour', 'Singapour'], ['Mexique', 'Mexico'], ['Turquie', 'Ankara'], ['Iran', 'Téhéran'], ['Israël', 'Jérusalem'],
];
const MONTHS_FR = ['janvier', 'février', 'mars', 'avril', 'mai', 'juin', 'juillet', 'août', 'septembre', 'octobre', 'novembre', 'décembre'];
const OUTLETS = ['Le Monde', 'Le Figaro', 'Libération', 'Les Échos', 'La Croix', 'BBC News Afrique', 'France 24', 'RFI', 'AFP', 'Reuters', 'Ouest-France', 'Le Temps', 'La Presse', 'Le Devoir'];
const CITIES = ['Paris', 'Bruxelles', 'Genève', 'Washington', 'Pékin', 'Londres', 'Berlin', 'Tokyo', 'Montréal', 'Dakar', 'Abidjan'];

const DAY0 = Date.UTC(2018, 0, 1);
const DAY_SPAN = 6 * 365; // 2018 … 2023

function dateOf(dayNumber) {
  const d = new Date(DAY0 + dayNumber * 86400000);
  return { y: d.getUTCFullYear(), m: d.getUTCMonth() + 1, d: d.getUTCDate() };
}
function isoOf({ y, m, d }) {
  return `${y}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}
function frenchDate({ y, m, d }) {
  return `${d === 1 ? '1er' : d} ${MONTHS_FR[m - 1]} ${y}`;
}

function slug(name) {
  return name
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[’']/g, '-')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}

// ---------------------------------------------------------------------------
// French-like text
// ---------------------------------------------------------------------------

const ELIDE = { le: 'l', la: 'l', de: 'd', que: 'qu', ne: 'n', se: 's', je: 'j', me: 'm', te: 't' };
const VOWEL_START = /^[aeiouyhâàéèêîïôûAEIOUYHÂÀÉÈÊÎÏÔÛ]/;

class TextMaker {
  constructor(rng, vocabulary, properNouns) {
    this.rng = rng;
    this.vocabulary = vocabulary;
    this.sample = zipfSampler(vocabulary.length, 1.1, 2.7);
    this.properNouns = properNouns;
  }

  word() {
    return this.vocabulary[this.sample(this.rng.next())];
  }

  number() {
    const rng = this.rng;
    const k = rng.int(10);
    if (k < 4) {
      return String(rng.range(2, 99));
    }
    if (k < 6) {
      return String(rng.range(1990, 2023));
    }
    if (k < 8) {
      return `${rng.range(1, 99)},${rng.range(1, 9)}${NBSP}%`;
    }
    return `${rng.range(1, 999)}${NNBSP}${String(rng.range(0, 999)).padStart(3, '0')}`;
  }

  /** Words of a sentence (before punctuation), each a string. */
  sentenceWords(extraNames) {
    const rng = this.rng;
    const n = rng.range(7, 28);
    const out = [];
    for (let i = 0; i < n; i++) {
      const r = rng.next();
      if (r < 0.03) {
        out.push(this.number());
      } else if (r < 0.045) {
        out.push(rng.pick(this.properNouns));
      } else {
        out.push(this.word());
      }
    }
    if (extraNames && extraNames.length) {
      out.splice(rng.int(out.length), 0, rng.pick(extraNames));
    }
    return out;
  }

  /** Joins words with elisions, commas, guillemets and NBSP before high punctuation. */
  sentence(extraNames) {
    const rng = this.rng;
    const words = this.sentenceWords(extraNames);
    let s = '';
    let quoteOpen = -1;
    for (let i = 0; i < words.length; i++) {
      let w = words[i];
      if (i === 0) {
        w = w[0].toUpperCase() + w.slice(1);
      }
      const elided = ELIDE[w.toLowerCase()];
      const next = words[i + 1];
      if (elided && next && VOWEL_START.test(next) && !/^\d/.test(next)) {
        const e = i === 0 ? elided[0].toUpperCase() + elided.slice(1) : elided;
        s += e + (rng.chance(0.9) ? '’' : "'");
        continue;
      }
      s += w;
      if (i === words.length - 1) {
        break;
      }
      if (quoteOpen >= 0 && (i - quoteOpen >= 4 || rng.chance(0.3))) {
        s += rng.chance(0.8) ? `${NBSP}»` : '»';
        quoteOpen = -1;
      }
      const r = rng.next();
      if (quoteOpen < 0 && r < 0.06) {
        s += ', ';
      } else if (quoteOpen < 0 && r < 0.07) {
        s += `${NBSP}: `;
      } else if (quoteOpen < 0 && r < 0.075) {
        s += ` – `;
      } else {
        s += ' ';
      }
      if (quoteOpen < 0 && i < words.length - 3 && rng.chance(0.02)) {
        s += rng.chance(0.8) ? `«${NBSP}` : '«';
        quoteOpen = i + 1;
      }
    }
    if (quoteOpen >= 0) {
      s += `${NBSP}»`;
    }
    const r = rng.next();
    return s + (r < 0.9 ? '.' : r < 0.95 ? `${NBSP}?` : r < 0.97 ? `${NBSP}!` : '…');
  }

  paragraph(names) {
    const n = this.rng.range(2, 6);
    const parts = [];
    for (let i = 0; i < n; i++) {
      parts.push(this.sentence(names && this.rng.chance(0.5) ? names : undefined));
    }
    return parts.join(' ');
  }

  title() {
    const rng = this.rng;
    const n = rng.range(5, 12);
    const words = [];
    for (let i = 0; i < n; i++) {
      words.push(rng.chance(0.08) ? rng.pick(this.properNouns) : this.word());
    }
    words[0] = words[0][0].toUpperCase() + words[0].slice(1);
    if (rng.chance(0.3)) {
      const k = rng.range(1, n - 1);
      return `${words.slice(0, k).join(' ')}${NBSP}: ${words.slice(k).join(' ')}`;
    }
    return words.join(' ');
  }
}

// ---------------------------------------------------------------------------
// English-like prose for the notes
// ---------------------------------------------------------------------------

const EN = (
  'the of and to in a is that for on as with by was it this which from at be are has have an or its were not but ' +
  'their they also been more after than between over policy government minister report statement officials ' +
  'announced measure measures decision ban bans data security companies company market trade export controls ' +
  'sanctions network networks platform platforms app apps cloud users privacy agency agencies review court ruling ' +
  'law laws regulation regulators framework position response pressure negotiations talks agreement deal claim ' +
  'claims argument evidence account press coverage article articles outlet outlets timeline context background ' +
  'analysis assessment question questions reading framing source sources translation quote wording version ' +
  'earlier later same week month year days announcement dispute strategy approach partners allies rivals ' +
  'investment investors ownership operations subsidiary stake sale buyer acquisition deadline order orders ' +
  'executive legislation hearing committee testimony senators members parliament commission council officials ' +
  'note notes see compare contrast consistent inconsistent unclear clearly likely unlikely perhaps notably ' +
  'however therefore meanwhile instead although because while whereas despite according reported described ' +
  'presented framed called denied confirmed suggested insisted warned argued noted added repeated quoted cited'
).split(' ');

function englishSentence(rng) {
  const n = rng.range(8, 20);
  const words = [];
  for (let i = 0; i < n; i++) {
    words.push(EN[Math.min(EN.length - 1, Math.floor(Math.pow(rng.next(), 1.6) * EN.length))]);
  }
  words[0] = words[0][0].toUpperCase() + words[0].slice(1);
  return words.join(' ');
}

// ---------------------------------------------------------------------------
// Workspace
// ---------------------------------------------------------------------------

/** Word spans (letters, digits, marks) of a text, as the matcher sees them. */
function wordSpans(text) {
  const spans = [];
  for (const m of text.matchAll(/[\p{L}\p{N}\p{M}]+/gu)) {
    spans.push([m.index, m.index + m[0].length]);
  }
  return spans;
}

/** Breaks prose into lines of about `width` characters, never inside a citation or before a Markdown marker. */
function wrap(text, width = 96) {
  const out = [];
  let line = '';
  let depth = 0;
  let lastBreak = -1;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === '[') {
      depth++;
    } else if (ch === ']') {
      depth = Math.max(0, depth - 1);
    }
    if (ch === ' ' && depth === 0 && !/^(?:[-+*>#=|]|\d+[.)]|—)/.test(text.slice(i + 1, i + 4))) {
      lastBreak = line.length;
    }
    line += ch;
    if (line.length > width && lastBreak > 0) {
      out.push(line.slice(0, lastBreak));
      line = line.slice(lastBreak + 1);
      lastBreak = -1;
    }
  }
  if (line) {
    out.push(line);
  }
  return out.join('\n');
}

function parseArgs(argv) {
  const args = { out: undefined, sources: 10000, notes: 2000, seed: 1 };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const m = /^--([a-z-]+)(?:=(.*))?$/.exec(a);
    if (m) {
      const value = m[2] ?? argv[++i];
      const n = Number(value);
      if (!Number.isInteger(n) || n < 0) {
        throw new Error(`--${m[1]} needs a non-negative integer, got ${value}`);
      }
      args[m[1]] = n;
    } else if (args.out === undefined) {
      args.out = a;
    } else {
      throw new Error(`unexpected argument ${a}`);
    }
  }
  if (!args.out) {
    throw new Error('usage: node scripts/bench/generate.mjs OUTDIR [--sources N] [--notes M] [--seed S] [--citations C] [--entities E] [--events V]');
  }
  return args;
}

/**
 * Generates the workspace into `out` (which is emptied first). Returns the manifest
 * (parameters and counts), also written to `out/.bench-workspace.json`.
 */
export function generate(options) {
  const started = Date.now();
  const p = {
    sources: options.sources ?? 10000,
    notes: options.notes ?? 2000,
    seed: options.seed ?? 1,
  };
  p.citations = options.citations ?? p.notes * 10;
  p.entities = options.entities ?? Math.round(p.notes / 4);
  p.events = options.events ?? Math.round(p.notes * 0.15);
  p.bytes = options.bytes ?? 8000;
  p.vocab = options.vocab ?? 50000;
  const out = path.resolve(options.out);
  if (p.sources < 1 || p.notes < 2) {
    throw new Error('need at least 1 source and 2 notes');
  }

  fs.rmSync(out, { recursive: true, force: true });
  fs.mkdirSync(path.join(out, 'corpus'), { recursive: true });
  const rng = new Rng(p.seed * 2654435761 + 12345);
  const stats = { quotations: 0, altered: { word: 0, drop: 0, number: 0 }, blockQuotes: 0, omissions: 0, insertions: 0, uncited: 0, bareCitations: 0, unknownKeys: 0, mentions: 0, unknownMentions: 0, locators: 0 };

  // --- entities -----------------------------------------------------------
  const vocabulary = buildVocabulary(rng, p.vocab);
  const entities = [];
  const ids = new Set();
  const usedAliases = new Set();
  const uniqueId = (base) => {
    let id = base || 'x';
    for (let k = 2; ids.has(id); k++) {
      id = `${base}-${k}`;
    }
    ids.add(id);
    return id;
  };
  for (let i = 0; i < p.entities; i++) {
    const r = rng.next();
    let e;
    if (r < 0.6) {
      const first = rng.pick(FIRST_NAMES);
      const last = rng.pick(LAST_NAMES);
      const name = `${first} ${last}`;
      const aliases = [];
      if (!usedAliases.has(last)) {
        aliases.push(last);
      }
      aliases.push(`${rng.chance(0.6) ? 'M.' : 'Mme'} ${last}`);
      e = { name, kind: 'person', aliases, role: englishSentence(rng).toLowerCase().slice(0, 60) };
    } else if (r < 0.8) {
      const name = `${rng.pick(ORG_HEADS)} ${rng.pick(ORG_TAILS)}${rng.chance(0.5) ? ` (${rng.pick(COUNTRIES)[0]})` : ''}`;
      e = { name, kind: rng.chance(0.7) ? 'government' : 'organization', aliases: [] };
    } else if (r < 0.95) {
      const name = rng.pick(COMPANY_PARTS) + rng.pick(COMPANY_PARTS).toLowerCase() + (rng.chance(0.3) ? ` ${rng.pick(['Group', 'Holdings', 'SA', 'Inc.'])}` : '');
      e = { name, kind: rng.chance(0.8) ? 'company' : 'product', aliases: [] };
    } else {
      const [country, capital] = rng.pick(COUNTRIES);
      e = { name: country, kind: 'country', aliases: [capital] };
    }
    e.aliases = e.aliases.filter((a) => !usedAliases.has(a) && a !== e.name);
    if (usedAliases.has(e.name)) {
      e.name = `${e.name} ${i}`;
    }
    usedAliases.add(e.name);
    e.aliases.forEach((a) => usedAliases.add(a));
    e.id = uniqueId(slug(e.name));
    if (rng.chance(0.3)) {
      e.wikidata = `Q${rng.range(100, 9999999)}`;
    }
    entities.push(e);
  }
  const properNouns = [...new Set(entities.flatMap((e) => [e.name, ...e.aliases]).concat(CITIES))];

  // --- source dates, events (events decide which sources must mention their actors) ---
  const sourceDays = [];
  for (let i = 0; i < p.sources; i++) {
    sourceDays.push(rng.int(DAY_SPAN));
  }
  const sourceNames = Array.from({ length: p.sources }, () => []);
  const events = [];
  const eventSourceCitations = [];
  for (let i = 0; i < p.events; i++) {
    const day = rng.int(DAY_SPAN - 40);
    const actors = [];
    const n = Math.min(entities.length, rng.range(1, 3));
    while (actors.length < n) {
      const a = rng.pick(entities);
      if (!actors.includes(a)) {
        actors.push(a);
      }
    }
    const src = [];
    const ns = rng.range(1, 2);
    for (let k = 0; k < ns; k++) {
      const s = rng.int(p.sources);
      if (!src.includes(s)) {
        src.push(s);
        sourceDays[s] = day + rng.range(0, 30); // the report comes after the event
        sourceNames[s].push(...actors.map((a) => rng.pick([a.name, ...a.aliases])));
      }
    }
    const verb = rng.pick(['announces', 'signs', 'rejects', 'presents', 'suspends', 'launches', 'opens', 'ends', 'reviews', 'blocks']);
    const what = rng.pick(['export controls', 'a data law', 'a trade agreement', 'an investigation', 'sanctions', 'a security review', 'a cloud programme', 'new tariffs', 'a ban on apps', 'a 5G tender']);
    const title = `${actors[0].name} ${verb} ${what}`;
    const id = uniqueId(slug(`${actors[0].aliases[0] ?? actors[0].name}-${verb}-${what.split(' ').slice(-1)[0]}`));
    const ev = { id, title, day, actors, sources: src, after: [] };
    events.push(ev);
    eventSourceCitations.push(...src);
  }
  for (const ev of events) {
    if (events.length > 1 && rng.chance(0.2)) {
      const other = rng.pick(events);
      if (other !== ev && (other.day < ev.day || rng.chance(0.05))) {
        ev.after.push(other.id);
      }
    }
  }

  // --- sources ------------------------------------------------------------
  const text = new TextMaker(rng, vocabulary, properNouns);
  const sources = [];
  const csl = [];
  let corpusBytes = 0;
  for (let i = 0; i < p.sources; i++) {
    const key = `${String(i).padStart(5, '0')}_${rng.hex(16)}`;
    const date = dateOf(sourceDays[i]);
    const title = text.title();
    const names = sourceNames[i];
    const lines = [title, ''];
    const paragraphs = []; // { text, para, line } for body paragraphs
    let para = 1;
    const style = rng.int(3);
    if (style === 0) {
      lines.push(`Publié le ${frenchDate(date)} à ${rng.range(6, 22)}h${String(rng.range(0, 59)).padStart(2, '0')}`, '');
      para++;
    }
    // Paragraphs average ~550 bytes: stop half a paragraph early so sizes average `bytes`.
    const target = Math.max(400, Math.round(p.bytes * (0.6 + 0.8 * rng.next())) - 275);
    let bytes = Buffer.byteLength(title);
    let first = true;
    while (bytes < target) {
      let body = text.paragraph(names.length ? names : undefined);
      if (first && style !== 0) {
        body = style === 1 ? `${rng.pick(CITIES)}, le ${frenchDate(date)} (${rng.pick(OUTLETS)}) – ${body}` : `${body} Le ${frenchDate(date)}, ${text.sentence()}`;
      }
      first = false;
      para++;
      paragraphs.push({ text: body, para, line: lines.length + 1 });
      lines.push(body, '');
      bytes += Buffer.byteLength(body) + 2;
    }
    const content = lines.join('\n');
    const dir = path.join(out, 'corpus', String(date.y));
    if (!fs.existsSync(dir)) {
      fs.mkdirSync(dir, { recursive: true });
    }
    // A Buffer, not the string: Node 20 writes two-byte strings ~5× slower.
    const data = Buffer.from(content);
    fs.writeFileSync(path.join(dir, `${key}.txt`), data);
    corpusBytes += data.length;
    sources.push({ key, paragraphs, day: sourceDays[i] });
    if (rng.chance(0.9)) {
      const item = { id: key, type: 'article-newspaper', title, 'container-title': rng.pick(OUTLETS), issued: { 'date-parts': [[date.y, date.m, date.d]] }, language: 'fr' };
      if (rng.chance(0.5)) {
        item.author = [{ family: rng.pick(LAST_NAMES), given: rng.pick(FIRST_NAMES) }];
      }
      if (rng.chance(0.7)) {
        item.URL = `https://news.example.org/${date.y}/${String(date.m).padStart(2, '0')}/${slug(title).slice(0, 60)}`;
      }
      csl.push(item);
    }
  }
  fs.writeFileSync(path.join(out, 'corpus', 'sources.json'), Buffer.from(JSON.stringify(csl, null, 1)));
  fs.writeFileSync(path.join(out, 'pnote.json'), JSON.stringify({ corpus: 'corpus', metadata: 'corpus/sources.json', paragraphs: 'lines' }, null, 2) + '\n');

  // --- registry notes ---------------------------------------------------------
  fs.mkdirSync(path.join(out, 'notes', 'registry'), { recursive: true });
  const registryFiles = [];
  const entityChunks = Math.max(1, Math.ceil(entities.length / 100));
  const eventChunks = Math.max(1, Math.ceil(events.length / 100));
  let citationsWritten = 0;
  for (let c = 0; c < entityChunks; c++) {
    const chunk = entities.slice(c * 100, (c + 1) * 100);
    const parts = [`---\ntitle: Registry of actors, part ${c + 1}\nauthor: bench generator\ntags: [registry]\n---\n`, `# Actors, part ${c + 1}\n`, wrap(`${englishSentence(rng)}. ${englishSentence(rng)}.`) + '\n'];
    for (const e of chunk) {
      const fields = [`name: ${e.name}`, `kind: ${e.kind}`];
      if (e.aliases.length) {
        fields.push(`aliases: ${e.aliases.join('; ')}`);
      }
      if (e.role) {
        fields.push(`role: ${e.role}`);
      }
      if (e.wikidata) {
        fields.push(`wikidata: ${e.wikidata}`);
      }
      const description = rng.chance(0.3) ? `\n${englishSentence(rng)}.` : '';
      parts.push(`::: entity ${e.id}\n${fields.join('\n')}${description}\n:::\n`);
    }
    const file = `notes/registry/actors-${c + 1}.pnote`;
    fs.writeFileSync(path.join(out, file), Buffer.from(parts.join('\n')));
    registryFiles.push(file);
  }
  for (let c = 0; c < eventChunks; c++) {
    const chunk = events.slice(c * 100, (c + 1) * 100);
    const parts = [`---\ntitle: Registry of events, part ${c + 1}\nauthor: bench generator\ntags: [registry, timeline]\n---\n`, `# Events, part ${c + 1}\n`];
    for (const ev of chunk) {
      const fields = [`title: ${ev.title}`, `date: ${isoOf(dateOf(ev.day))}`, `actors: ${ev.actors.map((a) => '@' + a.id).join('; ')}`];
      if (ev.sources.length) {
        fields.push(`sources: ${ev.sources.map((s) => `[@${sources[s].key}]`).join('; ')}`);
        citationsWritten += ev.sources.length;
      }
      if (ev.after.length) {
        fields.push(`after: ${ev.after.map((a) => '#' + a).join('; ')}`);
      }
      if (rng.chance(0.3)) {
        fields.push(`place: ${rng.pick(CITIES)}`);
      }
      parts.push(`::: event ${ev.id}\n${fields.join('\n')}\n:::\n`);
    }
    const file = `notes/registry/events-${c + 1}.pnote`;
    fs.writeFileSync(path.join(out, file), Buffer.from(parts.join('\n')));
    registryFiles.push(file);
  }

  // --- research notes ---------------------------------------------------------
  const regular = Math.max(1, p.notes - registryFiles.length);
  const remaining = Math.max(0, p.citations - citationsWritten);
  const perNote = [];
  for (let i = 0; i < regular; i++) {
    perNote.push(rng.range(5, 15));
  }
  let sum = perNote.reduce((a, b) => a + b, 0);
  while (sum !== remaining) {
    const i = rng.int(regular);
    if (sum < remaining) {
      perNote[i]++;
      sum++;
    } else if (perNote[i] > 0) {
      perNote[i]--;
      sum--;
    }
  }

  const mention = () => {
    stats.mentions++;
    const useEvent = events.length > 0 && rng.chance(0.35);
    let id = useEvent ? rng.pick(events).id : entities.length ? rng.pick(entities).id : 'nobody';
    if (rng.chance(0.02)) {
      stats.unknownMentions++;
      id = id.length > 3 ? id.slice(0, -2) + id[id.length - 1] + id[id.length - 2] + (rng.chance(0.5) ? 'x' : '') : id + 'x';
    }
    return (useEvent ? '#' : '@') + id;
  };
  const prose = (mentions) => {
    const n = rng.range(1, 3);
    const parts = [];
    for (let i = 0; i < n; i++) {
      let s = englishSentence(rng);
      if (mentions && rng.chance(0.7)) {
        const w = s.split(' ');
        w.splice(rng.range(1, w.length - 1), 0, rng.chance(0.2) ? `(${mention()})` : mention());
        s = w.join(' ');
      }
      parts.push(s + '.');
    }
    return parts.join(' ');
  };
  const locatorOf = (src, par) => {
    const r = rng.next();
    stats.locators++;
    return r < 0.7 ? `¶${par.para}` : r < 0.8 ? `para. ${par.para}` : `l. ${par.line}`;
  };
  const changeNumber = (s) => s.replace(/\d+/, (d) => String(Number(d) + 1 + (Number(d) % 7)));

  /**
   * A quotation from a random source paragraph: returns { quote, key, par } where quote
   * is the quoted text (altered about 10% of the time).
   */
  const makeQuote = (opts = {}) => {
    const src = sources[rng.int(sources.length)];
    const par = src.paragraphs[rng.int(src.paragraphs.length)];
    const spans = wordSpans(par.text);
    const len = Math.min(spans.length, opts.len ?? rng.range(5, 20));
    const alter = opts.noAlter ? -1 : rng.next();
    let start = rng.int(Math.max(1, spans.length - len + 1));
    // A changed number needs a number in the quotation: look for one.
    let kind = alter < 0 ? 'none' : alter < 0.05 ? 'word' : alter < 0.085 ? 'drop' : alter < 0.125 ? 'number' : 'none';
    if (kind === 'number') {
      const k = spans.findIndex(([a, b]) => /^\d+$/.test(par.text.slice(a, b)));
      if (k >= 0) {
        start = Math.max(0, Math.min(k - rng.int(len), spans.length - len));
      } else {
        kind = 'word';
      }
    }
    const idx = Array.from({ length: len }, (_, k) => start + k);
    // Omissions: drop 2-6 interior words, replaced with a marker.
    let omission;
    if (opts.omission && len >= 8) {
      const from = rng.range(2, len - 5);
      const count = rng.range(2, Math.min(6, len - from - 2));
      omission = [from, from + count];
      stats.omissions++;
    }
    const pieces = [];
    const pieceRange = omission ? [[0, omission[0] - 1], [omission[1], len - 1]] : [[0, len - 1]];
    for (const [a, b] of pieceRange) {
      pieces.push(par.text.slice(spans[idx[a]][0], spans[idx[b]][1]));
    }
    // A researcher leaves out guillemets the slice cut in half: drop unbalanced ones.
    let quote = pieces.join(rng.pick([' […] ', ' [...] ', ' … ', '... ']));
    const opens = (quote.match(/«/g) ?? []).length;
    const closes = (quote.match(/»/g) ?? []).length;
    if (opens !== closes || quote.indexOf('»') < quote.indexOf('«')) {
      quote = quote.replace(/«\u00a0?|\u00a0?»/g, '').replace(/ {2,}/g, ' ');
    }
    if (opts.insertion && len >= 6) {
      // Replace the first 1-2 words with an editorial insertion.
      const k = rng.range(1, 2);
      quote = `[${rng.pick(['il', 'elle', 'le ministre', 'la Chine', 'Washington', 'l’agence', 'ils'])}] ` + quote.slice(spans[idx[k]][0] - spans[idx[0]][0]);
      stats.insertions++;
    }
    if (kind === 'number') {
      const before = quote;
      quote = changeNumber(quote);
      if (quote !== before) {
        stats.altered.number++;
      }
    } else if ((kind === 'word' || kind === 'drop') && !omission && !opts.insertion) {
      const ws = wordSpans(quote);
      if (ws.length >= 4) {
        const k = rng.range(1, ws.length - 2);
        const [a, b] = ws[k];
        if (kind === 'word') {
          let w = text.word();
          if (w === quote.slice(a, b).toLowerCase()) {
            w = w + 's';
          }
          quote = quote.slice(0, a) + w + quote.slice(b);
          stats.altered.word++;
        } else {
          quote = quote.slice(0, a) + quote.slice(ws[k + 1][0]);
          stats.altered.drop++;
        }
      }
    }
    stats.quotations++;
    return { quote, src, par };
  };
  const inlineQuote = (quote) => {
    // The sources hold « » but never “ ” „ or ": those delimiters are always safe.
    const r = rng.next();
    if (!/[«»]/.test(quote) && r < 0.45) {
      return rng.chance(0.5) ? `«${NBSP}${quote}${NBSP}»` : `«${quote}»`;
    }
    if (r < 0.85) {
      return `“${quote}”`;
    }
    return r < 0.95 ? `"${quote}"` : `„${quote}“`;
  };
  const citationFor = (src, par, withLocator) => {
    let key = src.key;
    if (rng.chance(0.002)) {
      key = key.slice(0, -2) + key[key.length - 1] + key[key.length - 2];
      stats.unknownKeys++;
    }
    const loc = withLocator ? `, ${locatorOf(src, par)}` : '';
    if (rng.chance(0.02) && sources.length > 1) {
      const other = sources[rng.int(sources.length)];
      return other === src ? `[@${key}${loc}]` : `[@${other.key}; @${key}${loc}]`;
    }
    return `[@${key}${loc}]`;
  };

  const noteFiles = [];
  let noteBytes = 0;
  for (let n = 0; n < regular; n++) {
    const folder = `notes/topic-${String(n % 20).padStart(2, '0')}`;
    if (n < 20) {
      fs.mkdirSync(path.join(out, folder), { recursive: true });
    }
    const title = englishSentence(rng).split(' ').slice(0, rng.range(3, 7)).join(' ');
    const blocks = [`---\ntitle: ${title}\nauthor: bench generator\ntags: [topic-${n % 20}, generated]\n---`, `# ${title}`];
    let todo = perNote[n];
    let section = 0;
    while (todo > 0 || section === 0) {
      section++;
      blocks.push(`## ${englishSentence(rng).split(' ').slice(0, 4).join(' ')}`);
      const paras = rng.range(2, 4);
      for (let k = 0; k < paras; k++) {
        const r = rng.next();
        if (todo > 0 && r < 0.15) {
          // Block quote, citation at its end or on the next line.
          const q = makeQuote({ len: rng.range(12, 20), omission: rng.chance(0.3) });
          stats.blockQuotes++;
          const lines = wrap(q.quote.replace(/\n/g, ' '), 90).split('\n').map((l) => `> ${l}`);
          const cit = citationFor(q.src, q.par, rng.chance(0.6));
          if (rng.chance(0.5)) {
            lines.push(`— ${cit}`);
          } else {
            lines[lines.length - 1] += ` ${cit}`;
          }
          blocks.push(wrap(prose(true)));
          blocks.push(lines.join('\n'));
          todo--;
          continue;
        }
        const segments = [prose(true)];
        const cites = todo > 0 ? Math.min(todo, rng.range(1, 3)) : 0;
        for (let c = 0; c < cites; c++) {
          const t = rng.next();
          if (t < 0.15) {
            const src = sources[rng.int(sources.length)];
            const par = src.paragraphs[rng.int(src.paragraphs.length)];
            segments.push(`${englishSentence(rng)} ${citationFor(src, par, rng.chance(0.3))}.`);
            stats.bareCitations++;
          } else {
            const q = makeQuote({ omission: t < 0.25, insertion: t >= 0.25 && t < 0.28 });
            const lead = englishSentence(rng);
            segments.push(`${lead} ${inlineQuote(q.quote)} ${citationFor(q.src, q.par, rng.chance(0.5))}.`);
          }
          if (rng.chance(0.5)) {
            segments.push(prose(true));
          }
        }
        todo -= cites;
        blocks.push(wrap(segments.join(' ')));
      }
      if (rng.chance(0.1)) {
        // An uncited quotation, alone in its paragraph.
        const q = makeQuote({ len: rng.range(5, 10), noAlter: true });
        stats.uncited++;
        blocks.push(wrap(`${englishSentence(rng)} ${inlineQuote(q.quote)}.`));
      }
    }
    const content = blocks.join('\n\n') + '\n';
    const file = `${folder}/note-${String(n + 1).padStart(4, '0')}.pnote`;
    const data = Buffer.from(content);
    fs.writeFileSync(path.join(out, file), data);
    noteFiles.push(file);
    noteBytes += data.length;
  }

  const manifest = {
    generator: GENERATOR_VERSION,
    parameters: p,
    counts: {
      sources: p.sources,
      corpusBytes,
      vocabulary: vocabulary.length,
      notes: registryFiles.length + noteFiles.length,
      registryNotes: registryFiles.length,
      noteBytes,
      citations: citationsWritten + perNote.reduce((a, b) => a + b, 0),
      eventSourceCitations: citationsWritten,
      entities: entities.length,
      events: events.length,
      ...stats,
    },
    /** A note with several citations and mentions, for the language-server measurements. */
    sampleNote: noteFiles[perNote.indexOf(Math.max(...perNote))],
    seconds: (Date.now() - started) / 1000,
  };
  fs.writeFileSync(path.join(out, '.bench-workspace.json'), JSON.stringify(manifest, null, 2) + '\n');
  return manifest;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    const args = parseArgs(process.argv.slice(2));
    const manifest = generate(args);
    process.stdout.write(JSON.stringify(manifest, null, 2) + '\n');
  } catch (e) {
    process.stderr.write(`generate: ${e.message}\n`);
    process.exitCode = 2;
  }
}
