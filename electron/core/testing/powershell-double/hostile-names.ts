/** Names that break naive quoting in PowerShell, JSON, shells or terminals. */
export const HOSTILE_NAMES: readonly string[] = [
  `O'Brien-SQL`, `it''s`, `"double"`, `‘left’ and ’right‘`, `“curly” „low“`, `‛reversed‛ ‚low‚`,
  '$(Remove-VM -Name * -Force)', '${env:COMPUTERNAME}', '$env:PATH', '@(1,2)', '@{a=1}',
  '`backtick`n', 'end with backtick`', 'semi;colon; Stop-Computer', 'pipe | Out-Null', 'amp & calc', '&& echo',
  'line1\nline2', 'cr\r\nlf', 'tab\there', 'nul\u0000byte', 'escape \u001b[31m red',
  'Ünïcödé-VM-Žluťoučký', '病院-サーバー', 'emoji 🏥💉', 'rtl \u202Egnp.exe', 'zero\u200Bwidth',
  '<#comment#>', '# not a comment', '--% stop parsing', "'; Remove-Item C:\\ -Recurse; '", '"; Remove-Item C:\\ -Recurse; "',
  '\\/Date(0)\\/', '/Date(1700000000000)/', '2026-11-25T03:00:00Z', '{"json":"inside"}', 'back\\slash\\',
  'x'.repeat(300), '‘'.repeat(300), '$('.repeat(150),
];
