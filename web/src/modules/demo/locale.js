// Messages of the demo-data banner (components/DemoBanner.vue).
export default {
  'zh-CN': {
    demo: {
      banner: '演示数据：本系统中的人员均为虚构',
      detail: '人员、机构、证书编号和人口数均为程序生成的合成数据，行政区划为真实代码。',
    },
  },
  en: {
    demo: {
      banner: 'Demo data: the people in this system are fictitious',
      detail: 'People, organisations, certificate numbers and population figures are synthetic; region codes are real.',
    },
  },
  'zh-TW': {
    demo: {
      banner: '演示資料：本系統中的人員均為虛構',
      detail: '人員、機構、證書編號和人口數均為程式產生的合成資料，行政區劃為真實代碼。',
    },
  },
};
