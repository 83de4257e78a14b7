import { describe, expect, it } from 'vitest';
import {
  evaluateDatasetCompliance,
  type DatasetFacts,
} from '../../core/compliance/dataset-compliance.js';

const column = (
  name: string,
  infoTypes: string[] = [],
  sensitivity: DatasetFacts['columns'][number]['sensitivity'] = null,
  primaryKey = false,
) => ({ name, infoTypes, sensitivity, primaryKey });

describe('dataset compliance', () => {
  it('counts sensitive columns per information type and finds the highest level', () => {
    const result = evaluateDatasetCompliance({
      fqn: 'shop.public.customers',
      datasetType: 'table',
      columns: [
        column('id', [], null, true),
        column('email', ['EMAIL_ADDRESS'], 'confidential'),
        column('backup_email', ['EMAIL_ADDRESS'], 'confidential'),
        column('ssn', ['US_SSN'], 'restricted'),
        column('note'),
      ],
    });
    expect(result).toEqual({
      sensitiveColumns: 3,
      byInfoType: { EMAIL_ADDRESS: 2, US_SSN: 1 },
      highestSensitivity: 'restricted',
      findings: [],
    });
  });

  it('puts card data in PCI DSS scope and flags personal data without a primary key', () => {
    const result = evaluateDatasetCompliance({
      fqn: 'shop.public.payments',
      datasetType: 'table',
      columns: [column('pan', ['CREDIT_CARD'], 'restricted'), column('amount')],
    });
    expect(result.findings).toEqual([
      {
        rule: 'pci-card-data',
        severity: 'high',
        message: 'holds payment card numbers (pan): in PCI DSS scope',
        columns: ['pan'],
      },
      {
        rule: 'personal-data-without-key',
        severity: 'warning',
        message: 'sensitive columns (pan) in a table without a primary key',
        columns: ['pan'],
      },
    ]);
  });

  it('flags views that expose restricted columns', () => {
    const result = evaluateDatasetCompliance({
      fqn: 'shop.public.staff_v',
      datasetType: 'view',
      columns: [
        column('iban', ['IBAN_CODE'], 'restricted'),
        column('email', ['EMAIL_ADDRESS'], 'confidential'),
      ],
    });
    expect(result.findings.map((finding) => finding.rule)).toEqual(['restricted-in-view']);
    expect(result.findings[0]!.columns).toEqual(['iban']);
  });

  it('finds nothing in a dataset without sensitive data', () => {
    const result = evaluateDatasetCompliance({
      fqn: 'shop.public.products',
      datasetType: 'table',
      columns: [column('sku'), column('price')],
    });
    expect(result).toEqual({
      sensitiveColumns: 0,
      byInfoType: {},
      highestSensitivity: null,
      findings: [],
    });
  });
});
