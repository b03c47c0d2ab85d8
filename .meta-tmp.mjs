import { build } from 'esbuild';
const r = await build({ entryPoints: [process.argv[2]], bundle: true, platform: 'node', format: 'esm', target: 'node22', minify: true, write: false, metafile: true, outfile: '/tmp/bb/out.mjs', mainFields: ['module','main'], external: ['@aws-sdk/*'], logLevel: 'silent' });
const out = Object.values(r.metafile.outputs)[0];
console.log('total', (out.bytes/1024).toFixed(1));
const by={}; for (const [f, v] of Object.entries(out.inputs)) { const m=f.match(/node_modules\/((?:@[^/]+\/)?[^/]+)/); const k=m?m[1]:f; by[k]=(by[k]??0)+v.bytesInOutput; }
for (const [k,v] of Object.entries(by).sort((a,b)=>b[1]-a[1]).slice(0,12)) console.log((v/1024).toFixed(1).padStart(6), k);
