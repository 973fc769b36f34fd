/**
 * The text grammar of TPC-H (clause 4.2.2.10) with dbgen's weighted word lists (dists.dss), and the
 * text pool that comment columns are cut from.
 *
 * As in dbgen, a pool of sentences is generated once and each comment is the substring of the pool
 * that starts at a random offset and has a random length in the column's [min, max] range (so
 * comments may start or end inside a word, exactly like dbgen's). dbgen's pool is 300 MB; ours is
 * POOL_BYTES, which keeps the word and phrase frequencies (what LIKE predicates such as
 * '%special%requests%' see) and costs well under a second to build.
 */
import { Distribution, SequentialRandom } from './random.js';

/** Size of the text pool in bytes. */
export const POOL_BYTES = 8 << 20;

type Weighted = readonly (readonly [string, number])[];

const NOUNS: Weighted = [
  ['packages', 40], ['requests', 40], ['accounts', 40], ['deposits', 40], ['foxes', 20], ['ideas', 20],
  ['theodolites', 20], ['pinto beans', 20], ['instructions', 20], ['dependencies', 10], ['excuses', 10],
  ['platelets', 10], ['asymptotes', 10], ['courts', 5], ['dolphins', 5], ['multipliers', 1], ['sauternes', 1],
  ['warthogs', 1], ['frets', 1], ['dinos', 1], ['attainments', 1], ['somas', 1], ['Tiresias', 1], ['patterns', 1],
  ['forges', 1], ['braids', 1], ['frays', 1], ['warhorses', 1], ['dugouts', 1], ['notornis', 1], ['epitaphs', 1],
  ['pearls', 1], ['tithes', 1], ['waters', 1], ['orbits', 1], ['gifts', 1], ['sheaves', 1], ['depths', 1],
  ['sentiments', 1], ['decoys', 1], ['realms', 1], ['pains', 1], ['grouches', 1], ['escapades', 1], ['hockey players', 1],
];
const VERBS: Weighted = [
  ['sleep', 20], ['wake', 20], ['are', 20], ['cajole', 20], ['haggle', 20], ['nag', 10], ['use', 10], ['boost', 10],
  ['affix', 5], ['detect', 5], ['integrate', 5], ['maintain', 1], ['nod', 1], ['was', 1], ['lose', 1], ['sublate', 1],
  ['solve', 1], ['thrash', 1], ['promise', 1], ['engage', 1], ['hinder', 1], ['print', 1], ['x-ray', 1], ['breach', 1],
  ['eat', 1], ['grow', 1], ['impress', 1], ['mold', 1], ['poach', 1], ['serve', 1], ['run', 1], ['dazzle', 1],
  ['snooze', 1], ['doze', 1], ['unwind', 1], ['kindle', 1], ['play', 1], ['hang', 1], ['believe', 1], ['doubt', 1],
];
const ADJECTIVES: Weighted = [
  ['special', 20], ['pending', 20], ['unusual', 20], ['express', 20], ['furious', 1], ['sly', 1], ['careful', 1],
  ['blithe', 1], ['quick', 1], ['fluffy', 1], ['slow', 1], ['quiet', 1], ['ruthless', 1], ['thin', 1], ['close', 1],
  ['dogged', 1], ['daring', 1], ['brave', 1], ['stealthy', 1], ['permanent', 1], ['enticing', 1], ['idle', 1],
  ['busy', 1], ['regular', 50], ['final', 40], ['ironic', 40], ['even', 30], ['bold', 20], ['silent', 10],
];
const ADVERBS: Weighted = [
  ['sometimes', 1], ['always', 1], ['never', 1], ['furiously', 50], ['slyly', 50], ['carefully', 50],
  ['blithely', 40], ['quickly', 30], ['fluffily', 20], ['slowly', 1], ['quietly', 1], ['ruthlessly', 1],
  ['thinly', 1], ['closely', 1], ['doggedly', 1], ['daringly', 1], ['bravely', 1], ['stealthily', 1],
  ['permanently', 1], ['enticingly', 1], ['idly', 1], ['busily', 1], ['regularly', 1], ['finally', 1],
  ['ironically', 1], ['evenly', 1], ['boldly', 1], ['silently', 1],
];
const PREPOSITIONS: Weighted = [
  ['about', 50], ['above', 50], ['according to', 50], ['across', 50], ['after', 50], ['against', 40], ['along', 40],
  ['alongside of', 30], ['among', 30], ['around', 20], ['at', 10], ['atop', 1], ['before', 1], ['behind', 1],
  ['beneath', 1], ['beside', 1], ['besides', 1], ['between', 1], ['beyond', 1], ['by', 1], ['despite', 1],
  ['during', 1], ['except', 1], ['for', 1], ['from', 1], ['in place of', 1], ['inside', 1], ['instead of', 1],
  ['into', 1], ['near', 1], ['of', 1], ['on', 1], ['outside', 1], ['over', 1], ['past', 1], ['since', 1],
  ['through', 1], ['throughout', 1], ['to', 1], ['toward', 1], ['under', 1], ['until', 1], ['up', 1], ['upon', 1],
  ['without', 1], ['with', 1], ['within', 1],
];
const AUXILIARIES: Weighted = [
  'do', 'may', 'might', 'shall', 'will', 'would', 'can', 'could', 'should', 'ought to', 'must', 'will have to',
  'shall have to', 'could have to', 'should have to', 'must have to', 'need to', 'try to',
].map((w) => [w, 1] as const);
const TERMINATORS: Weighted = [['.', 50], [';', 1], [':', 1], ['?', 1], ['!', 1], ['--', 1]];

/** Sentence forms: N noun phrase, V verb phrase, P prepositional phrase, T terminator. */
const GRAMMAR: Weighted = [['NVT', 3], ['NVPT', 3], ['NVNT', 3], ['NPVNT', 1], ['NPVPT', 1]];
/** Noun phrases: N noun, J adjective, D adverb, ',' a comma after the previous word. */
const NOUN_PHRASES: Weighted = [['N', 10], ['JN', 20], ['J,JN', 10], ['DJN', 50]];
/** Verb phrases: V verb, X auxiliary, D adverb. */
const VERB_PHRASES: Weighted = [['V', 30], ['XV', 1], ['VD', 40], ['XVD', 1]];

/** A word list with its words pre-encoded as ASCII bytes. */
class WordList {
  private readonly dist: Distribution<string>;
  readonly bytes: readonly Uint8Array[];
  constructor(entries: Weighted) {
    this.dist = new Distribution(entries);
    this.bytes = this.dist.values.map(ascii);
  }
  pick(r: SequentialRandom): Uint8Array {
    return this.bytes[this.dist.index(r.u32())]!;
  }
}

/** ASCII bytes of a string (every string of the grammar is ASCII). */
export function ascii(s: string): Uint8Array {
  const b = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) b[i] = s.charCodeAt(i);
  return b;
}

const THE = ascii(' the');

/** Builds the text pool for a seed: sentences of the TPC-H grammar separated by single spaces. */
export function buildTextPool(seed: number, size = POOL_BYTES): Uint8Array {
  const r = new SequentialRandom(seed ^ 0x7e47);
  const nouns = new WordList(NOUNS);
  const verbs = new WordList(VERBS);
  const adjectives = new WordList(ADJECTIVES);
  const adverbs = new WordList(ADVERBS);
  const prepositions = new WordList(PREPOSITIONS);
  const auxiliaries = new WordList(AUXILIARIES);
  const terminators = new WordList(TERMINATORS);
  const grammar = new Distribution(GRAMMAR);
  const nounPhrases = new Distribution(NOUN_PHRASES);
  const verbPhrases = new Distribution(VERB_PHRASES);

  // Slack for the last sentence, which is cut at `size`.
  const buf = new Uint8Array(size + 1024);
  let pos = 0;
  const word = (w: Uint8Array): void => {
    if (pos > 0) buf[pos++] = 32;
    buf.set(w, pos);
    pos += w.length;
  };
  const nounPhrase = (): void => {
    for (const c of nounPhrases.values[nounPhrases.index(r.u32())]!) {
      if (c === 'N') word(nouns.pick(r));
      else if (c === 'J') word(adjectives.pick(r));
      else if (c === 'D') word(adverbs.pick(r));
      else buf[pos++] = 44; // ','
    }
  };
  const verbPhrase = (): void => {
    for (const c of verbPhrases.values[verbPhrases.index(r.u32())]!) {
      if (c === 'V') word(verbs.pick(r));
      else if (c === 'X') word(auxiliaries.pick(r));
      else word(adverbs.pick(r));
    }
  };
  while (pos < size) {
    for (const c of grammar.values[grammar.index(r.u32())]!) {
      if (c === 'N') nounPhrase();
      else if (c === 'V') verbPhrase();
      else if (c === 'P') {
        word(prepositions.pick(r));
        buf.set(THE, pos);
        pos += THE.length;
        nounPhrase();
      } else {
        const t = terminators.pick(r);
        buf.set(t, pos);
        pos += t.length;
      }
    }
  }
  return buf.subarray(0, size);
}
