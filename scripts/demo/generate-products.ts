import { base, en, en_US } from '@faker-js/faker';
import { SeededRandom } from './seeded-random.js';
import { seededFaker, type ProductRow } from './retail-model.js';

/** [category, SKU code, USD price range, what the category sells]. */
// prettier-ignore
const CATEGORIES: readonly (readonly [string, string, number, number, readonly string[]])[] = [
  ['Apparel', 'APP', 15, 120, ['Rain Jacket', 'Hoodie', 'T-Shirt', 'Chinos', 'Wool Sweater']],
  ['Footwear', 'FTW', 35, 180, ['Trail Runner', 'Sneaker', 'Chelsea Boot', 'Sandal', 'Loafer']],
  ['Home', 'HOM', 10, 250, ['Throw Blanket', 'Desk Lamp', 'Cushion Cover', 'Wall Clock']],
  ['Kitchen', 'KIT', 8, 300, ['Coffee Grinder', 'Chef Knife', 'Cast Iron Pan', 'French Press']],
  ['Electronics', 'ELE', 20, 900, ['Bluetooth Speaker', 'Wireless Earbuds', 'Power Bank']],
  ['Beauty', 'BEA', 6, 80, ['Face Serum', 'Hand Cream', 'Shampoo Bar', 'Lip Balm Set']],
  ['Toys', 'TOY', 8, 90, ['Building Blocks', 'Puzzle', 'Plush Bear', 'Board Game']],
  ['Garden', 'GRD', 12, 400, ['Planter', 'Pruning Shears', 'Garden Hose', 'Bird Feeder']],
  ['Sports', 'SPT', 15, 350, ['Yoga Mat', 'Water Bottle', 'Cycling Gloves', 'Tennis Racket']],
  ['Books', 'BKS', 7, 45, ['Cookbook', 'Travel Guide', 'Notebook', 'Novel']],
];

const PITCHES = [
  'Designed to last and easy to care for.',
  'A customer favourite, restocked every season.',
  'Responsibly sourced materials.',
  'Ships in recyclable packaging.',
  'Backed by our two-year guarantee.',
];

/** A catalogue whose low ids sell best, which is what popularity skew looks like in SQL. */
export function generateProducts(seed: number, count: number): ProductRow[] {
  const rng = SeededRandom.derive(seed, 'products');
  const faker = seededFaker(seed, 'products', [en_US, en, base]);
  return Array.from({ length: count }, (_, index) => {
    const [category, code, low, high, nouns] = rng.pick(CATEGORIES);
    const name = `${faker.commerce.productAdjective()} ${rng.pick(nouns)}`;
    return {
      id: index + 1,
      sku: `LR-${code}-${String(index + 1).padStart(5, '0')}`,
      name,
      category,
      description: `${name} in ${faker.commerce.productMaterial().toLowerCase()}. ${rng.pick(PITCHES)}`,
      list_price_usd: rng.int(low, high) + rng.pick([0.99, 0.49, 0, 0.95]),
      weight_grams: rng.int(50, 12_000),
      is_active: rng.chance(0.93),
      created_at: rng.timeBetween(
        new Date('2021-06-01T00:00:00Z'),
        new Date('2024-01-01T00:00:00Z'),
      ),
    };
  });
}
