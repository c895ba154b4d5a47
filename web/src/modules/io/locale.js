// Messages of the shared export button (components/ExportButton.vue).
export default {
  'zh-CN': {
    io: {
      export: {
        button: '导出',
        xlsx: 'Excel 工作簿（.xlsx）',
        csv: 'CSV（逗号分隔，UTF-8）',
        busy: '正在导出… {size}',
        done: '已导出 {rows} 行',
        forbidden: '您没有导出此列表的权限',
        queued: '记录较多，正在后台生成文件…',
        invalid: '筛选条件有误',
        failed: '导出失败',
        network: '网络错误，导出未完成',
      },
    },
  },
  en: {
    io: {
      export: {
        button: 'Export',
        xlsx: 'Excel workbook (.xlsx)',
        csv: 'CSV (comma-separated, UTF-8)',
        busy: 'Exporting… {size}',
        done: 'Exported {rows} rows',
        forbidden: 'You may not export this list',
        queued: 'Many records: building the file on the server…',
        invalid: 'The filter is invalid',
        failed: 'Export failed',
        network: 'Network error: the export did not finish',
      },
    },
  },
  'zh-TW': {
    io: {
      export: {
        button: '匯出',
        xlsx: 'Excel 活頁簿（.xlsx）',
        csv: 'CSV（逗號分隔，UTF-8）',
        busy: '正在匯出… {size}',
        done: '已匯出 {rows} 列',
        forbidden: '您沒有匯出此列表的權限',
        queued: '記錄較多，正在後台產生檔案…',
        invalid: '篩選條件有誤',
        failed: '匯出失敗',
        network: '網路錯誤，匯出未完成',
      },
    },
  },
};
