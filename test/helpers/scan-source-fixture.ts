import type { ExpectedDataset } from './scan-expectations.js';

const CARDS = ['4111111111111111', '5500000000000004', '4012888888881881', '6011000000000004'];
const IBANS = ['DE89370400440532013000', 'GB82WEST12345698765432', 'NL91ABNA0417164300'];

// Several schemas, identifiers that need quoting (spaces, dots, quotes, non-ASCII), a view
// and a materialized view, and columns holding e-mails, phones, cards, IBANs and SSNs.
export const SOURCE_SQL = `
create schema sales;
create schema hr;
create schema "Odd Schema";
create table sales.customers (id int primary key, email text, phone text, card_number text, note text);
insert into sales.customers
select g, 'user' || g || '@example.com', '+44 20 7946 ' || lpad(g::text, 4, '0'),
       (array['${CARDS.join("','")}'])[1 + g % 4], 'likes tea ' || g
  from generate_series(1, 40) g;
create table sales.orders (id bigint primary key, customer_id int references sales.customers (id),
                           total numeric(10, 2), ordered_at timestamptz);
insert into sales.orders select g, 1 + g % 40, g * 1.5, now() - g * interval '1 day'
  from generate_series(1, 60) g;
create table hr.employees (id int primary key, "Full Name" text, ssn text, iban text);
insert into hr.employees
select g, 'Person ' || g, lpad((100 + g)::text, 3, '0') || '-45-' || lpad(g::text, 4, '0'),
       (array['${IBANS.join("','")}'])[1 + g % 3]
  from generate_series(1, 25) g;
create view sales.customer_emails as select id, email from sales.customers;
create materialized view sales.order_totals as
  select customer_id, sum(total) as total from sales.orders group by customer_id;
create table "Odd Schema"."Order Items" ("Line No" int, "e.mail" text, "quote""d" text);
insert into "Odd Schema"."Order Items" values (1, 'a@b.example', 'x'), (2, 'c@d.example', 'y');
create table "Odd Schema"."a.b" (x int);
create table hr."Ünïcödé" (id int);
`;

export const DATASETS: ExpectedDataset[] = [
  {
    schema: 'sales',
    name: 'customers',
    kind: 'table',
    columns: [
      ['id', 'integer'],
      ['email', 'text'],
      ['phone', 'text'],
      ['card_number', 'text'],
      ['note', 'text'],
    ],
  },
  {
    schema: 'sales',
    name: 'orders',
    kind: 'table',
    columns: [
      ['id', 'bigint'],
      ['customer_id', 'integer'],
      ['total', 'numeric(10,2)'],
      ['ordered_at', 'timestamp with time zone'],
    ],
  },
  {
    schema: 'hr',
    name: 'employees',
    kind: 'table',
    columns: [
      ['id', 'integer'],
      ['Full Name', 'text'],
      ['ssn', 'text'],
      ['iban', 'text'],
    ],
  },
  {
    schema: 'sales',
    name: 'customer_emails',
    kind: 'view',
    columns: [
      ['id', 'integer'],
      ['email', 'text'],
    ],
  },
  {
    schema: 'sales',
    name: 'order_totals',
    kind: 'materialized-view',
    columns: [
      ['customer_id', 'integer'],
      ['total', 'numeric'],
    ],
  },
  {
    schema: 'Odd Schema',
    name: 'Order Items',
    kind: 'table',
    columns: [
      ['Line No', 'integer'],
      ['e.mail', 'text'],
      ['quote"d', 'text'],
    ],
  },
  { schema: 'Odd Schema', name: 'a.b', kind: 'table', columns: [['x', 'integer']] },
  { schema: 'hr', name: 'Ünïcödé', kind: 'table', columns: [['id', 'integer']] },
];
export const SCHEMAS = ['Odd Schema', 'hr', 'public', 'sales'];
