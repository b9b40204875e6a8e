// Messages of the eligibility rules of public-welfare resting places (eligibility-service.ts), Chinese first: each
// refusal names the rule and the household region.
import type { DomainMessages } from '../i18n/types.js';

const zh = {
  resting_eligibility: {
    title: '服务范围',
    rule: {
      rural_village: '农村公益性公墓只安葬其服务村的村民（按户籍地）。',
      urban_county: '城市公益性公墓只安葬本县（区）户籍居民。',
      columbarium_county: '公益性骨灰堂只安放本县（区）户籍居民的骨灰。',
      none: '经营性公墓不限户籍地。',
    },
    townships: '整乡镇服务',
    villages: '服务的村（居）',
    area: '服务地区',
    nothing: '尚未登记服务范围：请在设施登记中填写建设模式或服务范围。',
  },
  errors: {
    ineligible_rural_village:
      '不符合安葬条件：农村公益性公墓只安葬其服务村的村民，逝者户籍地{{household}}不在{{facility}}的服务范围内。',
    ineligible_rural_village_unknown:
      '请填写到逝者户籍所在的村（居）：农村公益性公墓只安葬其服务村的村民，{{facility}}按户籍村核对。',
    ineligible_urban_county:
      '不符合安葬条件：城市公益性公墓只安葬本县（区）户籍居民，逝者户籍地{{household}}不在{{area}}。',
    ineligible_urban_county_unknown: '请填写逝者的户籍地，至少到县（区）：城市公益性公墓只安葬{{area}}户籍居民。',
    ineligible_columbarium_county:
      '不符合安放条件：公益性骨灰堂只安放本县（区）户籍居民的骨灰，逝者户籍地{{household}}不在{{area}}。',
    ineligible_columbarium_county_unknown:
      '请填写逝者的户籍地，至少到县（区）：公益性骨灰堂只安放{{area}}户籍居民的骨灰。',
  },
};

const en: typeof zh = {
  resting_eligibility: {
    title: 'Service area',
    rule: {
      rural_village:
        'A rural public-welfare cemetery takes only residents of the villages it serves (by household registration).',
      urban_county: 'An urban public-welfare cemetery takes only residents registered in its county.',
      columbarium_county: 'A public columbarium takes only the ashes of residents registered in its county.',
      none: 'A commercial cemetery takes anyone.',
    },
    townships: 'Townships served whole',
    villages: 'Villages served',
    area: 'Area served',
    nothing: 'No service area recorded: enter the build mode or the service area in the facility registry.',
  },
  errors: {
    ineligible_rural_village:
      'Not eligible: a rural public-welfare cemetery takes only residents of the villages it serves; the household region {{household}} is outside the service area of {{facility}}.',
    ineligible_rural_village_unknown:
      'Enter the household region down to the village: a rural public-welfare cemetery takes only residents of the villages it serves, and {{facility}} checks the village.',
    ineligible_urban_county:
      'Not eligible: an urban public-welfare cemetery takes only residents of its county; the household region {{household}} is not in {{area}}.',
    ineligible_urban_county_unknown:
      'Enter the household region, down to the county at least: an urban public-welfare cemetery takes only residents of {{area}}.',
    ineligible_columbarium_county:
      'Not eligible: a public columbarium takes only the ashes of residents of its county; the household region {{household}} is not in {{area}}.',
    ineligible_columbarium_county_unknown:
      'Enter the household region, down to the county at least: a public columbarium takes only residents of {{area}}.',
  },
};

export const restingEligibilityMessages: DomainMessages<typeof zh> = { 'zh-CN': zh, en };
